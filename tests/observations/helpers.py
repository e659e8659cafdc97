"""Fixture paths and small builders of CBP documents for the observations tests."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
XML = FIXTURES / "bwt_2026-09-17.xml"
JSON = FIXTURES / "bwt_2026-09-17.json"
RSS_0820 = FIXTURES / "rss_2026-08-20_0109.xml"
RSS_0822 = FIXTURES / "rss_2026-08-22_1408.xml"


def lane_xml(
    status: str = "delay",
    update: str = "At 7:00 pm CDT",
    delay: str = "10",
    lanes: str = "2",
    name: str = "standard_lanes",
) -> str:
    def tag(key: str, value: str) -> str:
        return f"<{key}>{value}</{key}>" if value else f"<{key} />"

    return (
        f"<{name}>{tag('operational_status', status)}{tag('update_time', update)}"
        f"{tag('delay_minutes', delay)}{tag('lanes_open', lanes)}</{name}>"
    )


def port_xml(
    *lanes: str,
    number: str = "535501",
    border: str = "Mexican Border",
    date: str = "9/17/2026",
    group: str = "passenger_vehicle_lanes",
    port: str = "Brownsville",
    crossing: str = "B&amp;M",
) -> str:
    """One ``<port>`` in CBP's layout, with the given lanes in one group."""
    date_tag = f"<date>{date}</date>" if date else "<date />"
    return (
        f"<port><port_number>{number}</port_number><border>{border}</border>"
        f"<port_name>{port}</port_name><crossing_name>{crossing}</crossing_name>"
        f"<hours>24 hrs/day</hours>{date_tag}<port_status>Open</port_status>"
        f"<{group}><maximum_lanes>4</maximum_lanes>{''.join(lanes)}</{group}></port>"
    )


def document_xml(*ports: str, last_updated: str = "2026-9-17") -> str:
    return (
        f"<border_wait_time><last_updated_date>{last_updated}</last_updated_date>"
        f"<last_updated_time>20:20:57</last_updated_time><number_of_ports>{len(ports)}</number_of_ports>"
        f"{''.join(ports)}</border_wait_time>"
    )


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path

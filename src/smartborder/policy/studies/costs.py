"""Delay cost: hours waited, valued with published figures, plus idling fuel and CO₂.

Formula (per traffic class, over the simulated period)::

    value_of_time = vehicle_hours × vot_vehicle + person_hours × vot_person
    fuel_gallons  = vehicle_hours × idle_gallons_per_hour
    fuel_cost     = fuel_gallons × fuel_price
    co2_tonnes    = fuel_gallons × kg_co2_per_gallon / 1000
    total_cost    = value_of_time + fuel_cost

Trucks are valued per vehicle (driver wage and benefits), cars per person (occupancy from the
BTS passengers ÷ vehicles), pedestrians and bus passengers per person. Waiting is valued at the
full hourly wage, as USDOT's travel-time guidance does for waiting time.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

SEED_CONTEXT = {
    "goods_per_day": "US$2.4 billion of goods cross the US–Mexico border every day (seed 000).",
    "crossing_time": "A border crossing can take between 7 and 17 hours; total crossing costs can "
    "reach 10 to 20 % of total transportation costs (seed 004).",
}


class CostParameters(BaseModel):
    """Values used to cost delay. Every figure names its source; all can be overridden."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    truck_vot_per_vehicle_hour: float = Field(
        default=31.36,
        description="TTI for TxDOT (Ellis, 2018-03-05): 2017 commercial truck value of "
        "delay time excluding fuel, US$ per vehicle-hour at 1.14 persons per truck.",
    )
    person_vot_per_hour: float = Field(
        default=18.26,
        description="TTI for TxDOT (Ellis, 2018-03-05): 2017 personal value of time "
        "$27.39 per vehicle-hour at 1.5 persons per vehicle = $18.26 per person-hour (median "
        "hourly wage; USDOT guidance values waiting at 100 % of the wage).",
    )
    truck_idle_gallons_per_hour: float = Field(
        default=0.49, description="US DOE VTO Fact #861 (2015): combination truck, diesel, 0.49 gal/h at idle (ORNL)."
    )
    car_idle_gallons_per_hour: float = Field(
        default=0.16,
        description="US DOE VTO Fact #861 (2015): compact sedan, gasoline, 0.16 gal/h at idle "
        "(Argonne); a large sedan burns 0.39: the lower figure is used.",
    )
    bus_idle_gallons_per_hour: float = Field(
        default=0.97, description="US DOE VTO Fact #861 (2015): transit bus, diesel, 0.97 gal/h at idle (ORNL)."
    )
    diesel_price_per_gallon: float = Field(
        default=3.80, description="ESTIMATE: US on-highway diesel retail price around 2024; set your own."
    )
    gasoline_price_per_gallon: float = Field(
        default=3.30, description="ESTIMATE: US regular gasoline retail price around 2024; set your own."
    )
    diesel_kg_co2_per_gallon: float = Field(default=10.18, description="US EPA: 10,180 g CO2 per gallon of diesel.")
    gasoline_kg_co2_per_gallon: float = Field(default=8.887, description="US EPA: 8,887 g CO2 per gallon of gasoline.")
    truck_persons: float = Field(default=1.14, description="TTI/TxDOT 2018: 1.14 persons per truck.")


def class_cost(
    vehicle: str, vehicle_hours: float, person_hours: float, params: CostParameters | None = None
) -> dict[str, float]:
    """Cost lines for one class from its waiting vehicle- and person-hours (see module formula)."""
    p = params or CostParameters()
    if vehicle == "truck":
        vot = vehicle_hours * p.truck_vot_per_vehicle_hour
        gallons = vehicle_hours * p.truck_idle_gallons_per_hour
        price, co2 = p.diesel_price_per_gallon, p.diesel_kg_co2_per_gallon
    elif vehicle == "pov":
        vot = person_hours * p.person_vot_per_hour
        gallons = vehicle_hours * p.car_idle_gallons_per_hour
        price, co2 = p.gasoline_price_per_gallon, p.gasoline_kg_co2_per_gallon
    elif vehicle == "bus":
        vot = person_hours * p.person_vot_per_hour
        gallons = vehicle_hours * p.bus_idle_gallons_per_hour
        price, co2 = p.diesel_price_per_gallon, p.diesel_kg_co2_per_gallon
    else:  # pedestrians burn no fuel
        vot, gallons, price, co2 = person_hours * p.person_vot_per_hour, 0.0, 0.0, 0.0
    fuel_cost = gallons * price
    return {
        "value_of_time_usd": vot,
        "fuel_gallons": gallons,
        "fuel_cost_usd": fuel_cost,
        "co2_tonnes": gallons * co2 / 1000.0,
        "total_cost_usd": vot + fuel_cost,
    }

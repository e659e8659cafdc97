"""Deciding: investments ranked by benefit per dollar within a budget (port and border), staffing
to a wait target, KPI scorecards, the targeting curve."""

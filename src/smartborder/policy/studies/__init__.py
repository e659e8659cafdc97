"""Running studies: scenarios and their levers, a port's or a city's or the border's runs with
replications and common random numbers, KPIs, delay cost, sweeps, the twin's targeting."""

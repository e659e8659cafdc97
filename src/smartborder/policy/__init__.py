"""Policy analysis: scenarios (the seeds' levers), runs with replications, delay cost."""

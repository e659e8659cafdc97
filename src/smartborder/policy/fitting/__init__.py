"""Fitting the twin to what CBP observed: readings matched to crossings, calibration, climatology,
the forecast, validation on held-out days, synthetic readings with a known answer."""

"""Names of rubriek groups the independent rubrieken refer to (kept apart to avoid cycles)."""

R1_R10 = ("OVZ", "OOZ", "VKV", "ENE", "KEU", "SAN", "GEH", "BUI", "GVR", "GPA")

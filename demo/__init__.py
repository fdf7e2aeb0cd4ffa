"""Demo: the demo course content and a simulated school, for trying Vigil in minutes.

A separate app because nothing in production depends on it; ``seed_demo`` builds the
school, its people and answer histories by calling the real services.
"""

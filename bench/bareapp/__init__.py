"""A bench-only app: the baseline "bare DRF endpoint that inserts one row".

Installed only when VIGIL_BENCH=1 (training/settings.py); never in production or tests.
"""

"""Accounts: who a person is (the user model).

Kept apart from cohorts because identity outlives any school membership: a trainee moves
from one school to another, an admin belongs to none.
"""

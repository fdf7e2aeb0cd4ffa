"""The admin of people (``accounts.User``) is registered in ``schools/admin.py``: each page of a
person is audited in the log of their schools, and this app sits below ``schools``."""

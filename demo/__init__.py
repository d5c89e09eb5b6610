"""Demo data: Tyresö kommun's departments, one person per role, and orders in every state.

Loaded by `python manage.py load_demo`. Everything is written through the project's services,
so permissions, history, events and notifications are the real ones.
"""

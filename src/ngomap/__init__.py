"""ngomap: who does what where, for planners who coordinate development and humanitarian actors."""

__version__ = "0.1.0"

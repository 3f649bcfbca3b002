"""variorum: where has this text been published before, and what changed?"""

from variorum.errors import VariorumError
from variorum.model import Document, Family, Passage, Segment, Skip

__version__ = "0.1.0"

__all__ = ["Document", "Family", "Passage", "Segment", "Skip", "VariorumError", "__version__"]

"""Search: one engine for the search box, the pinyin keypad and the voice assistant."""

from kiosk.search.engine import Hit, SearchEngine, SearchResult

__all__ = ["Hit", "SearchEngine", "SearchResult"]

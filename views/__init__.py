"""The Streamlit pages (map, upload) and their shared widgets and caches; ``app.py`` wires them."""

"""The Streamlit face of ngomap: widgets read controls and show what the library computes."""

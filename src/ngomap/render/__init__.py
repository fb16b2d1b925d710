"""Drawing views: class breaks and colours, captions, web maps (Folium, TopoJSON, Leaflet
assets), static print maps and charts."""

// Edge counts of the whole store, by type and resolution.
// Parameters: none. Columns: type, resolution, count.
MATCH ()-[e]->() RETURN label(e) AS type, e.resolution AS resolution, count(e) AS count ORDER BY type, resolution

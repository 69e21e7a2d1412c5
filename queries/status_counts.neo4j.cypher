// Node counts of the whole store, by label.
// Parameters: none. Columns: label, count.
MATCH (n) RETURN labels(n)[0] AS label, count(n) AS count ORDER BY label

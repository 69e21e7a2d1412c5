// Node counts of the whole store, by label.
// Parameters: none. Columns: label, count.
MATCH (n) RETURN label(n) AS label, count(n) AS count ORDER BY label

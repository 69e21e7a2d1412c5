// Any node by id, with its label.
// Parameters: $id. Columns: id, label.
MATCH (n) WHERE n.id = $id
RETURN n.id AS id, labels(n)[0] AS label
LIMIT 1

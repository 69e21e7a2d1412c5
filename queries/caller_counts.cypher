// How many calls reach each of a set of symbols or externals.
// Parameters: $ids (symbol or external ids). Columns: id, n (unknown ids give no row).
UNWIND $ids AS id
MATCH (s:Symbol|External {id: id})
OPTIONAL MATCH (a)-[e:CALLS]->(s)
RETURN s.id AS id, count(e) AS n

// How many calls, uses, bases, implementations and imports reach each of a set of nodes.
// Parameters: $ids (symbol, file or external ids). Columns: id, n (unknown ids give no row).
UNWIND $ids AS id
MATCH (s:Symbol|File|External {id: id})
OPTIONAL MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]->(s)
RETURN s.id AS id, count(e) AS n

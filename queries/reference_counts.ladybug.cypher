// reference_counts.cypher anchored on one label at a time: LadybugDB scans every table of a
// multi-label anchor (about 10 ms on Django for one id, against under 1 ms per label).
// Parameters: $ids (symbol, file or external ids). Columns: id, n (unknown ids give no row).
UNWIND $ids AS id
MATCH (s:Symbol {id: id})
OPTIONAL MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]->(s)
RETURN s.id AS id, count(e) AS n
UNION ALL
UNWIND $ids AS id
MATCH (s:File {id: id})
OPTIONAL MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]->(s)
RETURN s.id AS id, count(e) AS n
UNION ALL
UNWIND $ids AS id
MATCH (s:External {id: id})
OPTIONAL MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]->(s)
RETURN s.id AS id, count(e) AS n

// deps_in.cypher for a few ids (up to queries.graph.FEW): a list test lets LadybugDB look the
// targets up by primary key, where UNWIND scans every edge (about 300 ms on Django); for
// thousands of ids the scan is cheaper. Parameters: $ids (symbol ids).
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]->(b:Symbol) WHERE b.id IN $ids
RETURN a.id AS src, label(e) AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias

// deps_in.cypher for up to queries.graph.FEW["deps_in"] ids (the LadybugDB form, deps_in_few.cypher,
// says why the variant exists); Neo4j seeks each id in its index either way. Parameters: $ids (symbol ids).
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]->(b:Symbol) WHERE b.id IN $ids
RETURN a.id AS src, type(e) AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias

// The links of a project's spec items, tasks, tests, documents and findings.
// Parameters: $id (project id). Columns: type, src, dst, line, column, resolution, candidates, confidence.
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)-[:CONTAINS]->(f:File)-[:DECLARES]->(x)-[e:IMPLEMENTED_BY]->(t)
RETURN 'IMPLEMENTED_BY' AS type, x.id AS src, t.id AS dst, e.line AS line, e.`column` AS `column`,
       e.resolution AS resolution, e.candidates AS candidates, e.confidence AS confidence
UNION ALL
MATCH (p:Project {id: $id})-[:HAS_TASK]->(x:Task)-[e:IMPLEMENTED_BY]->(t)
RETURN 'IMPLEMENTED_BY' AS type, x.id AS src, t.id AS dst, e.line AS line, e.`column` AS `column`,
       e.resolution AS resolution, e.candidates AS candidates, e.confidence AS confidence
UNION ALL
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)-[:CONTAINS]->(f:File)-[e:DOCUMENTS]->(t)
RETURN 'DOCUMENTS' AS type, f.id AS src, t.id AS dst, e.line AS line, e.`column` AS `column`,
       e.resolution AS resolution, e.candidates AS candidates, e.confidence AS confidence
UNION ALL
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)
MATCH (s:Symbol)-[e:TESTS]->(t:Symbol) WHERE s.id STARTS WITH ('sym:' + r.id + ':')
RETURN 'TESTS' AS type, s.id AS src, t.id AS dst, e.line AS line, e.`column` AS `column`,
       e.resolution AS resolution, e.candidates AS candidates, e.confidence AS confidence
UNION ALL
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)<-[:AUDITS]-(a:Audit)-[:HAS_FINDING]->(x:Finding)-[:FOUND_IN]->(t)
RETURN 'FOUND_IN' AS type, x.id AS src, t.id AS dst, x.line AS line, x.`column` AS `column`,
       'exact' AS resolution, 0 AS candidates, 1.0 AS confidence

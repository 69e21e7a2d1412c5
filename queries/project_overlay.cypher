// What a project's graph shows beside its code: spec items and tasks (with the file or project that
// holds them), audits of its repos, their findings, compliance checks and attestations.
// Parameters: $id (project id). Columns: id, label, name, kind, path, line, status, parent.
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)-[:CONTAINS]->(f:File)-[:DECLARES]->(x:SpecItem)
RETURN x.id AS id, 'SpecItem' AS label, x.title AS name, x.source AS kind, x.path AS path, x.line AS line,
       x.status AS status, f.id AS parent
UNION ALL
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)-[:CONTAINS]->(f:File)-[:DECLARES]->(x:Task)
RETURN x.id AS id, 'Task' AS label, x.title AS name, x.kind AS kind, x.path AS path, x.line AS line,
       x.status AS status, f.id AS parent
UNION ALL
MATCH (p:Project {id: $id})-[:HAS_TASK]->(x:Task)
RETURN x.id AS id, 'Task' AS label, x.title AS name, x.kind AS kind, x.path AS path, x.line AS line,
       x.status AS status, p.id AS parent
UNION ALL
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)<-[:AUDITS]-(x:Audit)
RETURN x.id AS id, 'Audit' AS label, x.tool AS name, x.kind AS kind, x.reportPath AS path, x.findings AS line,
       x.status AS status, r.id AS parent
UNION ALL
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)<-[:AUDITS]-(a:Audit)-[:HAS_FINDING]->(x:Finding)
RETURN x.id AS id, 'Finding' AS label, x.ruleId AS name, x.severity AS kind, x.path AS path, x.line AS line,
       x.status AS status, a.id AS parent
UNION ALL
MATCH (p:Project {id: $id})<-[:CHECKS]-(x:ComplianceCheck)
RETURN x.id AS id, 'ComplianceCheck' AS label, x.rule AS name, x.project AS kind, x.rule AS path,
       x.evaluated AS line, x.status AS status, p.id AS parent
UNION ALL
MATCH (p:Project {id: $id})<-[:ATTESTS]-(x:Attestation)
RETURN x.id AS id, 'Attestation' AS label, x.summary AS name, x.keyId AS kind, x.expiresAt AS path,
       0 AS line, x.status AS status, p.id AS parent

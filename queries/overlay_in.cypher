// Edges into a repo's symbols, files and spec items from nodes that belong to no file (findings,
// compliance checks, tasks created through the API): a full re-ingest re-creates them after the reload.
// Parameters: $sym, $file, $spec (id prefixes of the repo). Columns: type, srcLabel, src, dstLabel, dst,
// line, resolution.
MATCH (x:Finding)-[:FOUND_IN]->(t:Symbol) WHERE t.id STARTS WITH $sym
RETURN 'FOUND_IN' AS type, 'Finding' AS srcLabel, x.id AS src, 'Symbol' AS dstLabel, t.id AS dst,
       x.line AS line, '' AS resolution
UNION ALL
MATCH (x:Finding)-[:FOUND_IN]->(t:File) WHERE t.id STARTS WITH $file
RETURN 'FOUND_IN' AS type, 'Finding' AS srcLabel, x.id AS src, 'File' AS dstLabel, t.id AS dst,
       x.line AS line, '' AS resolution
UNION ALL
MATCH (x:ComplianceCheck)-[:CHECKS]->(t:Symbol) WHERE t.id STARTS WITH $sym
RETURN 'CHECKS' AS type, 'ComplianceCheck' AS srcLabel, x.id AS src, 'Symbol' AS dstLabel, t.id AS dst,
       0 AS line, '' AS resolution
UNION ALL
MATCH (x:ComplianceCheck)-[:CHECKS]->(t:File) WHERE t.id STARTS WITH $file
RETURN 'CHECKS' AS type, 'ComplianceCheck' AS srcLabel, x.id AS src, 'File' AS dstLabel, t.id AS dst,
       0 AS line, '' AS resolution
UNION ALL
MATCH (p:Project)-[:HAS_TASK]->(x:Task)-[e:IMPLEMENTED_BY]->(t:Symbol) WHERE t.id STARTS WITH $sym
RETURN 'IMPLEMENTED_BY' AS type, 'Task' AS srcLabel, x.id AS src, 'Symbol' AS dstLabel, t.id AS dst,
       e.line AS line, e.resolution AS resolution
UNION ALL
MATCH (p:Project)-[:HAS_TASK]->(x:Task)-[e:IMPLEMENTED_BY]->(t:File) WHERE t.id STARTS WITH $file
RETURN 'IMPLEMENTED_BY' AS type, 'Task' AS srcLabel, x.id AS src, 'File' AS dstLabel, t.id AS dst,
       e.line AS line, e.resolution AS resolution
UNION ALL
MATCH (p:Project)-[:HAS_TASK]->(x:Task)-[e:IMPLEMENTED_BY]->(t:SpecItem) WHERE t.id STARTS WITH $spec
RETURN 'IMPLEMENTED_BY' AS type, 'Task' AS srcLabel, x.id AS src, 'SpecItem' AS dstLabel, t.id AS dst,
       e.line AS line, e.resolution AS resolution

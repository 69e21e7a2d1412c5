// Project links and service integrations. Parameters: none.
// Columns: type, src, dst, linkType, package, protocol, via.
MATCH (a:Project)-[e:PROJECT_LINK]->(b:Project)
RETURN 'PROJECT_LINK' AS type, a.id AS src, b.id AS dst, e.type AS linkType, e.package AS package,
       '' AS protocol, '' AS via
UNION ALL
MATCH (a:Service)-[e:INTEGRATES]->(b:Service)
RETURN 'INTEGRATES' AS type, a.id AS src, b.id AS dst, '' AS linkType, '' AS package,
       e.protocol AS protocol, e.via AS via

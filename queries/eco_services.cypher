// Every docker-compose service, with what its latest health probe saw.
// Parameters: none. Columns: id, name, project, repo, path, image, type, ports, endpoint, healthUrl,
// healthStatus, healthLatencyMs, healthCheckedAt.
MATCH (s:Service)
RETURN s.id AS id, s.name AS name, s.project AS project, s.repo AS repo, s.path AS path, s.image AS image,
       s.type AS type, s.ports AS ports, s.endpoint AS endpoint, s.healthUrl AS healthUrl,
       s.healthStatus AS healthStatus, s.healthLatencyMs AS healthLatencyMs, s.healthCheckedAt AS healthCheckedAt
ORDER BY id

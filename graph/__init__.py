"""The graph layer: the only package that speaks Cypher to Neo4j."""

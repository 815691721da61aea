DROP TABLE rotation_avoidances;

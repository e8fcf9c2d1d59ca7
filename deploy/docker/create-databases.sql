-- One database per service: no service reads another's tables.
create database gateway;
create database recorder;
create database aggregation;
create database quota;
create database alert;

-- Regions (docs/regions.md): the province's tree of 行政区划 (GB/T 2260), a province, its cities, their
-- counties and districts, each with its 6-digit code, a name and, where known, its resident
-- population (for indicators per 10,000 residents). A level is always one below its parent's,
-- so the tree cannot have a cycle. Every department's region is one of them.
create table region (
  code       text   primary key constraint region_code_shape check (code ~ '^[0-9]{6}$'),
  parent     text   references region (code),
  name       text   not null,
  level      text   not null check (level in ('province', 'city', 'county')),
  population bigint check (population > 0),
  constraint region_province_has_no_parent check ((level = 'province') = (parent is null))
);
create index region_by_parent on region (parent);

-- the demo province: Guangdong, Shenzhen (where the demo departments are) with its districts, and
-- Guangzhou; populations are the 2023 year-end resident figures of the statistics bureaus
insert into region (code, parent, name, level, population) values
  ('440000', null, '广东省', 'province', 127060000),
  ('440100', '440000', '广州市', 'city', 18827000),
  ('440104', '440100', '越秀区', 'county', null),
  ('440106', '440100', '天河区', 'county', null),
  ('440300', '440000', '深圳市', 'city', 17790100),
  ('440303', '440300', '罗湖区', 'county', null),
  ('440304', '440300', '福田区', 'county', null),
  ('440305', '440300', '南山区', 'county', null),
  ('440306', '440300', '宝安区', 'county', null),
  ('440307', '440300', '龙岗区', 'county', null),
  ('440308', '440300', '盐田区', 'county', null),
  ('440309', '440300', '龙华区', 'county', null),
  ('440310', '440300', '坪山区', 'county', null),
  ('440311', '440300', '光明区', 'county', null);

-- a region a department names already and the tree lacks is added with the place its code gives
-- it (pp0000 a province, ppcc00 a city of pp0000, else a county of ppcc00), to be named by an admin
insert into region (code, parent, name, level)
select distinct left(region, 2) || '0000', null, '未命名地区 ' || left(region, 2) || '0000', 'province'
from department where region is not null
on conflict (code) do nothing;
insert into region (code, parent, name, level)
select distinct left(region, 4) || '00', left(region, 2) || '0000', '未命名地区 ' || left(region, 4) || '00', 'city'
from department where region is not null and region !~ '0000$'
on conflict (code) do nothing;
insert into region (code, parent, name, level)
select distinct region, left(region, 4) || '00', '未命名地区 ' || region, 'county'
from department where region is not null and region !~ '00$'
on conflict (code) do nothing;

alter table department add constraint department_region_exists foreign key (region) references region (code);

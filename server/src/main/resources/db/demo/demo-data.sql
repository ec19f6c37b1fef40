-- Demo data for a DEV_MODE deployment: departments, service items (事项) with their guides, and demo users.
-- Loaded once into an empty database, after V1__catalog_and_identity.sql.
-- USCC values are valid GB 32100-2015 codes (check character included).

insert into department (code, name, region, uses_external_system, uscc) values
  ('SCJGJ', '市市场监督管理局', '440300', false, '114403000075691004'),
  ('GAJ', '市公安局', '440300', false, '11440300007569137W'),
  ('RSJ', '市人力资源和社会保障局', '440300', false, '11440300007569174P'),
  ('ZJJ', '市住房和城乡建设局', '440300', true, '11440300007569211X'),
  ('MZJ', '市民政局', '440300', false, '11440300007569248N'),
  ('WJW', '市卫生健康委员会', '440300', false, '11440300007569285H'),
  ('JTJ', '市交通运输局', '440300', false, '11440300007569322P'),
  ('YBJ', '市医疗保障局', '440300', false, '11440300007569359G');

-- SCJG-0001 个体工商户设立登记
insert into service_item (code, department, current_version, status, search_text) values
  ('SCJG-0001', 'SCJGJ', 1, 'active', 'scjg-0001 个体工商户设立登记 个体户 营业执照 开业');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('SCJG-0001', 1, '个体工商户设立登记', 'SCJGJ', 'administrative_licensing', array['个体户', '营业执照', '开业']::text[],
   '经营者申请设立个体工商户并领取营业执照。',
   1, 15, 0, true, 0,
   '[{"code": "id_card", "name": "经营者居民身份证", "nameEn": "Resident identity card of the operator", "description": "经营者本人有效居民身份证正反面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "premises_proof", "name": "经营场所使用证明", "nameEn": "Proof of use of the business premises", "description": "房屋租赁合同或产权证明", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png", "application/ofd"], "maxBytes": 10485760}, {"code": "application_form", "name": "个体工商户登记申请书", "nameEn": "Individual business registration form", "description": "经营者签字的登记申请书", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "application/ofd"], "maxBytes": 5242880}]'::jsonb,
   '[{"code": "tradeName", "name": "个体工商户名称", "datatype": "string", "required": true, "order": 1, "maxLength": 100}, {"code": "businessScope", "name": "经营范围", "datatype": "text", "required": true, "order": 2, "maxLength": 500}, {"code": "capital", "name": "资金数额（万元）", "datatype": "number", "required": true, "order": 3}, {"code": "organizationForm", "name": "组成形式", "datatype": "singlevaluelist", "required": true, "order": 4, "values": [{"key": "individual", "name": "个人经营"}, {"key": "family", "name": "家庭经营"}]}]'::jsonb);

-- SCJG-0002 食品经营许可证核发
insert into service_item (code, department, current_version, status, search_text) values
  ('SCJG-0002', 'SCJGJ', 1, 'active', 'scjg-0002 食品经营许可证核发 食品经营 许可证 餐饮');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('SCJG-0002', 1, '食品经营许可证核发', 'SCJGJ', 'administrative_licensing', array['食品经营', '许可证', '餐饮']::text[],
   '从事食品销售和餐饮服务的经营者申请食品经营许可证。',
   10, 20, 0, true, 0,
   '[{"code": "business_licence", "name": "营业执照", "nameEn": "Business licence", "description": "申请主体营业执照副本", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "legal_rep_id", "name": "法定代表人身份证", "nameEn": "Identity card of the legal representative", "description": "法定代表人或负责人有效身份证件", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "layout_plan", "name": "经营场所平面布局图", "nameEn": "Floor plan of the premises", "description": "标明设备布局和操作流程的平面图", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png", "application/ofd"], "maxBytes": 10485760}, {"code": "food_safety_rules", "name": "食品安全管理制度", "nameEn": "Food safety management rules", "description": "食品安全自查、进货查验等管理制度文本", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "application/ofd"], "maxBytes": 5242880}]'::jsonb,
   '[{"code": "operatorType", "name": "主体业态", "datatype": "singlevaluelist", "required": true, "order": 1, "values": [{"key": "retail", "name": "食品销售经营者"}, {"key": "catering", "name": "餐饮服务经营者"}, {"key": "canteen", "name": "单位食堂"}]}, {"code": "businessItems", "name": "经营项目", "datatype": "multivaluelist", "required": true, "order": 2, "values": [{"key": "prepackaged", "name": "预包装食品销售"}, {"key": "bulk", "name": "散装食品销售"}, {"key": "hot_food", "name": "热食类食品制售"}, {"key": "cold_food", "name": "冷食类食品制售"}]}, {"code": "premisesArea", "name": "经营场所面积（平方米）", "datatype": "number", "required": true, "order": 3}, {"code": "safetyManager", "name": "食品安全管理员姓名", "datatype": "string", "required": true, "order": 4, "maxLength": 50}]'::jsonb);

-- SCJG-0003 营业执照遗失补领
insert into service_item (code, department, current_version, status, search_text) values
  ('SCJG-0003', 'SCJGJ', 1, 'active', 'scjg-0003 营业执照遗失补领 营业执照 补领 遗失');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('SCJG-0003', 1, '营业执照遗失补领', 'SCJGJ', 'other', array['营业执照', '补领', '遗失']::text[],
   '市场主体营业执照遗失或损毁后申请补领。',
   3, 10, 0, true, 0,
   '[{"code": "business_licence_copy", "name": "营业执照复印件", "nameEn": "Copy of the business licence", "description": "原营业执照复印件（如有）", "required": false, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "legal_rep_id", "name": "法定代表人身份证", "nameEn": "Identity card of the legal representative", "description": "法定代表人有效身份证件", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "loss_statement", "name": "遗失声明", "nameEn": "Loss statement", "description": "在国家企业信用信息公示系统发布的遗失声明截图", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}]'::jsonb,
   '[{"code": "licenceType", "name": "补领类型", "datatype": "singlevaluelist", "required": true, "order": 1, "values": [{"key": "original", "name": "正本"}, {"key": "duplicate", "name": "副本"}, {"key": "both", "name": "正副本"}]}, {"code": "lossDate", "name": "遗失日期", "datatype": "date", "required": true, "order": 2}, {"code": "reason", "name": "遗失原因", "datatype": "text", "required": false, "order": 3, "maxLength": 300}]'::jsonb);

-- GA-HZ-0001 居民身份证换领
insert into service_item (code, department, current_version, status, search_text) values
  ('GA-HZ-0001', 'GAJ', 1, 'active', 'ga-hz-0001 居民身份证换领 身份证 换领 有效期');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('GA-HZ-0001', 1, '居民身份证换领', 'GAJ', 'administrative_confirmation', array['身份证', '换领', '有效期']::text[],
   '居民身份证有效期满或证件损坏时申请换领新证。',
   20, 60, 1, false, 2000,
   '[{"code": "old_id_card", "name": "原居民身份证", "nameEn": "Current resident identity card", "description": "需换领的原居民身份证正反面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "photo", "name": "数码证件照", "nameEn": "Digital ID photo", "description": "符合制证要求的数码相片回执", "required": true, "toleranceAllowed": false, "acceptedTypes": ["image/jpeg", "image/png"], "maxBytes": 2097152}, {"code": "household_register", "name": "户口簿", "nameEn": "Household register", "description": "户口簿首页及本人页", "required": false, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}]'::jsonb,
   '[{"code": "reason", "name": "换领原因", "datatype": "singlevaluelist", "required": true, "order": 1, "values": [{"key": "expiry", "name": "有效期满"}, {"key": "damaged", "name": "证件损坏"}, {"key": "info_change", "name": "登记项目变更"}]}, {"code": "deliveryByPost", "name": "是否邮寄送达", "datatype": "boolean", "required": true, "order": 2}, {"code": "postalAddress", "name": "邮寄地址", "description": "选择邮寄送达时填写", "datatype": "string", "required": false, "order": 3, "maxLength": 200}]'::jsonb);

-- GA-HZ-0002 户口迁移（市内迁入）
insert into service_item (code, department, current_version, status, search_text) values
  ('GA-HZ-0002', 'GAJ', 1, 'active', 'ga-hz-0002 户口迁移（市内迁入） 户口 迁移 落户');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('GA-HZ-0002', 1, '户口迁移（市内迁入）', 'GAJ', 'administrative_confirmation', array['户口', '迁移', '落户']::text[],
   '符合条件人员申请将户口迁入本市。',
   5, 20, 1, false, 0,
   '[{"code": "id_card", "name": "居民身份证", "nameEn": "Resident identity card", "description": "申请人有效居民身份证正反面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "household_register", "name": "户口簿", "nameEn": "Household register", "description": "迁出地户口簿首页及本人页", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "housing_proof", "name": "合法稳定住所证明", "nameEn": "Proof of lawful and stable residence", "description": "不动产权证书或租赁登记备案凭证", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png", "application/ofd"], "maxBytes": 10485760}, {"code": "relation_proof", "name": "亲属关系证明", "nameEn": "Proof of family relationship", "description": "投靠类迁移需提供的结婚证、出生医学证明等", "required": false, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}]'::jsonb,
   '[{"code": "migrationType", "name": "迁移类型", "datatype": "singlevaluelist", "required": true, "order": 1, "values": [{"key": "talent", "name": "人才引进"}, {"key": "relative", "name": "投靠亲属"}, {"key": "housing", "name": "购房入户"}]}, {"code": "fromAddress", "name": "迁出地址", "datatype": "string", "required": true, "order": 2, "maxLength": 200}, {"code": "toAddress", "name": "迁入地址", "datatype": "string", "required": true, "order": 3, "maxLength": 200}, {"code": "personCount", "name": "随迁人数", "datatype": "integer", "required": false, "order": 4}]'::jsonb);

-- GA-HZ-0003 居住证签注
insert into service_item (code, department, current_version, status, search_text) values
  ('GA-HZ-0003', 'GAJ', 1, 'active', 'ga-hz-0003 居住证签注 居住证 签注 流动人口');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('GA-HZ-0003', 1, '居住证签注', 'GAJ', 'public_service', array['居住证', '签注', '流动人口']::text[],
   '居住证持有人每年申请办理居住证签注。',
   1, 15, 0, true, 0,
   '[{"code": "id_card", "name": "居民身份证", "nameEn": "Resident identity card", "description": "申请人有效居民身份证正反面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "residence_permit", "name": "居住证", "nameEn": "Residence permit", "description": "居住证正反面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "residence_proof", "name": "居住证明", "nameEn": "Proof of residence", "description": "租赁合同或单位出具的住宿证明", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}]'::jsonb,
   '[{"code": "address", "name": "现居住地址", "datatype": "string", "required": true, "order": 1, "maxLength": 200}, {"code": "residenceSince", "name": "居住起始日期", "datatype": "date", "required": true, "order": 2}, {"code": "employer", "name": "工作单位", "datatype": "string", "required": false, "order": 3, "maxLength": 100}]'::jsonb);

-- RS-0001 失业保险金申领
insert into service_item (code, department, current_version, status, search_text) values
  ('RS-0001', 'RSJ', 1, 'active', 'rs-0001 失业保险金申领 失业 失业保险 失业金');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('RS-0001', 1, '失业保险金申领', 'RSJ', 'administrative_payment', array['失业', '失业保险', '失业金']::text[],
   '参保失业人员申请领取失业保险金。',
   5, 15, 0, true, 0,
   '[{"code": "id_card", "name": "居民身份证", "nameEn": "Resident identity card", "description": "申请人有效居民身份证正反面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "termination_proof", "name": "解除劳动关系证明", "nameEn": "Proof of termination of employment", "description": "原单位出具的终止或解除劳动合同证明", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "bank_card", "name": "本人银行卡", "nameEn": "Bank card of the applicant", "description": "本人社会保障卡或银行卡正面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["image/jpeg", "image/png"], "maxBytes": 2097152}]'::jsonb,
   '[{"code": "terminationDate", "name": "离职日期", "datatype": "date", "required": true, "order": 1}, {"code": "terminationReason", "name": "离职原因", "datatype": "singlevaluelist", "required": true, "order": 2, "values": [{"key": "contract_end", "name": "劳动合同期满"}, {"key": "employer_terminated", "name": "用人单位解除"}, {"key": "mutual", "name": "协商一致解除"}]}, {"code": "bankAccount", "name": "银行账号", "datatype": "string", "required": true, "order": 3, "maxLength": 30}]'::jsonb);

-- RS-0002 职业资格证书补发
insert into service_item (code, department, current_version, status, search_text) values
  ('RS-0002', 'RSJ', 1, 'active', 'rs-0002 职业资格证书补发 职业资格 证书 补发');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('RS-0002', 1, '职业资格证书补发', 'RSJ', 'public_service', array['职业资格', '证书', '补发']::text[],
   '职业资格证书遗失或损毁后申请补发。',
   10, 20, 0, true, 0,
   '[{"code": "id_card", "name": "居民身份证", "nameEn": "Resident identity card", "description": "申请人有效居民身份证正反面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "loss_statement", "name": "遗失声明", "nameEn": "Loss statement", "description": "本人签字的证书遗失声明", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "application/ofd"], "maxBytes": 5242880}, {"code": "photo", "name": "证件照", "nameEn": "ID photo", "description": "近期免冠白底证件照", "required": false, "toleranceAllowed": false, "acceptedTypes": ["image/jpeg", "image/png"], "maxBytes": 2097152}]'::jsonb,
   '[{"code": "certificateNumber", "name": "原证书编号", "datatype": "string", "required": true, "order": 1, "maxLength": 40}, {"code": "occupation", "name": "职业（工种）名称", "datatype": "string", "required": true, "order": 2, "maxLength": 100}, {"code": "level", "name": "证书等级", "datatype": "singlevaluelist", "required": true, "order": 3, "values": [{"key": "5", "name": "五级/初级工"}, {"key": "4", "name": "四级/中级工"}, {"key": "3", "name": "三级/高级工"}, {"key": "2", "name": "二级/技师"}, {"key": "1", "name": "一级/高级技师"}]}, {"code": "issueDate", "name": "原发证日期", "datatype": "date", "required": false, "order": 4}]'::jsonb);

-- RS-0003 社会保障卡补换
insert into service_item (code, department, current_version, status, search_text) values
  ('RS-0003', 'RSJ', 1, 'active', 'rs-0003 社会保障卡补换 社保卡 补换 挂失');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('RS-0003', 1, '社会保障卡补换', 'RSJ', 'public_service', array['社保卡', '补换', '挂失']::text[],
   '社会保障卡遗失、损坏或信息变更时申请补换新卡。',
   7, 15, 0, true, 0,
   '[{"code": "id_card", "name": "居民身份证", "nameEn": "Resident identity card", "description": "申请人有效居民身份证正反面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "photo", "name": "数码照片", "nameEn": "Digital photo", "description": "符合社保卡制卡要求的数码照片", "required": true, "toleranceAllowed": false, "acceptedTypes": ["image/jpeg", "image/png"], "maxBytes": 2097152}]'::jsonb,
   '[{"code": "reason", "name": "补换原因", "datatype": "singlevaluelist", "required": true, "order": 1, "values": [{"key": "lost", "name": "遗失补卡"}, {"key": "damaged", "name": "损坏换卡"}, {"key": "expired", "name": "到期换卡"}]}, {"code": "bankOutlet", "name": "领卡银行网点", "datatype": "string", "required": false, "order": 2, "maxLength": 100}]'::jsonb);

-- ZJ-0001 建筑工程施工许可证核发
insert into service_item (code, department, current_version, status, search_text) values
  ('ZJ-0001', 'ZJJ', 1, 'active', 'zj-0001 建筑工程施工许可证核发 施工许可 建筑工程 开工');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('ZJ-0001', 1, '建筑工程施工许可证核发', 'ZJJ', 'administrative_licensing', array['施工许可', '建筑工程', '开工']::text[],
   '建设单位在开工前申请领取建筑工程施工许可证。',
   3, 15, 0, true, 0,
   '[{"code": "business_licence", "name": "建设单位营业执照", "nameEn": "Business licence of the project owner", "description": "建设单位营业执照或事业单位法人证书", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "planning_permit", "name": "建设工程规划许可证", "nameEn": "Construction project planning permit", "description": "建设工程规划许可证及附件", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png", "application/ofd"], "maxBytes": 10485760}, {"code": "contract", "name": "施工合同", "nameEn": "Construction contract", "description": "已签订的施工总承包合同", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "application/ofd"], "maxBytes": 10485760}, {"code": "fund_proof", "name": "建设资金落实承诺书", "nameEn": "Construction funding commitment", "description": "建设单位出具的资金到位承诺", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "application/ofd"], "maxBytes": 5242880}]'::jsonb,
   '[{"code": "projectName", "name": "工程名称", "datatype": "string", "required": true, "order": 1, "maxLength": 200}, {"code": "projectAddress", "name": "建设地址", "datatype": "string", "required": true, "order": 2, "maxLength": 200}, {"code": "contractAmount", "name": "合同价格（万元）", "datatype": "number", "required": true, "order": 3}, {"code": "floorArea", "name": "建筑面积（平方米）", "datatype": "number", "required": true, "order": 4}, {"code": "plannedStart", "name": "计划开工日期", "datatype": "date", "required": true, "order": 5}]'::jsonb);

-- ZJ-0002 公租房申请
insert into service_item (code, department, current_version, status, search_text) values
  ('ZJ-0002', 'ZJJ', 1, 'active', 'zj-0002 公租房申请 公租房 保障性住房 住房保障');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('ZJ-0002', 1, '公租房申请', 'ZJJ', 'public_service', array['公租房', '保障性住房', '住房保障']::text[],
   '符合条件的住房困难家庭申请轮候公共租赁住房。',
   15, 20, 0, true, 0,
   '[{"code": "id_card", "name": "居民身份证", "nameEn": "Resident identity card", "description": "申请人有效居民身份证正反面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "household_register", "name": "户口簿", "nameEn": "Household register", "description": "申请人及共同申请人户口簿", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "income_proof", "name": "收入证明", "nameEn": "Proof of income", "description": "家庭成员近一年收入证明", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "marriage_proof", "name": "婚姻状况证明", "nameEn": "Proof of marital status", "description": "结婚证或离婚证等", "required": false, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}]'::jsonb,
   '[{"code": "familySize", "name": "家庭人数", "datatype": "integer", "required": true, "order": 1}, {"code": "annualIncome", "name": "家庭年收入（元）", "datatype": "number", "required": true, "order": 2}, {"code": "hasHousing", "name": "本市是否有自有住房", "datatype": "boolean", "required": true, "order": 3}, {"code": "preferredDistricts", "name": "意向区域", "datatype": "multivaluelist", "required": false, "order": 4, "values": [{"key": "futian", "name": "福田区"}, {"key": "luohu", "name": "罗湖区"}, {"key": "nanshan", "name": "南山区"}, {"key": "baoan", "name": "宝安区"}, {"key": "longgang", "name": "龙岗区"}]}]'::jsonb);

-- ZJ-0003 商品房预售许可
insert into service_item (code, department, current_version, status, search_text) values
  ('ZJ-0003', 'ZJJ', 1, 'active', 'zj-0003 商品房预售许可 预售许可 商品房 房地产开发');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('ZJ-0003', 1, '商品房预售许可', 'ZJJ', 'administrative_licensing', array['预售许可', '商品房', '房地产开发']::text[],
   '房地产开发企业申请商品房预售许可证。',
   7, 10, 1, false, 0,
   '[{"code": "business_licence", "name": "营业执照", "nameEn": "Business licence", "description": "房地产开发企业营业执照", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "qualification_cert", "name": "开发资质证书", "nameEn": "Real estate development qualification certificate", "description": "房地产开发企业资质证书", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "land_cert", "name": "土地使用权证明", "nameEn": "Proof of land use rights", "description": "不动产权证书（土地）", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png", "application/ofd"], "maxBytes": 10485760}, {"code": "presale_plan", "name": "预售方案", "nameEn": "Pre-sale plan", "description": "包括房屋位置、面积、预售价格等的预售方案", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "application/ofd"], "maxBytes": 10485760}]'::jsonb,
   '[{"code": "projectName", "name": "项目名称", "datatype": "string", "required": true, "order": 1, "maxLength": 200}, {"code": "presaleArea", "name": "预售面积（平方米）", "datatype": "number", "required": true, "order": 2}, {"code": "unitCount", "name": "预售套数", "datatype": "integer", "required": true, "order": 3}, {"code": "escrowBank", "name": "预售资金监管银行", "datatype": "string", "required": true, "order": 4, "maxLength": 100}]'::jsonb);

-- MZ-HY-001 结婚登记预约
insert into service_item (code, department, current_version, status, search_text) values
  ('MZ-HY-001', 'MZJ', 1, 'active', 'mz-hy-001 结婚登记预约 婚姻登记 结婚 预约');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('MZ-HY-001', 1, '结婚登记预约', 'MZJ', 'public_service', array['婚姻登记', '结婚', '预约']::text[],
   '男女双方预约到婚姻登记处办理结婚登记。',
   5, 20, 1, false, 0,
   '[{"code": "id_card", "name": "双方居民身份证", "nameEn": "Identity cards of both parties", "description": "男女双方有效居民身份证", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "household_register", "name": "双方户口簿", "nameEn": "Household registers of both parties", "description": "户口簿首页及本人页", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "image/jpeg"], "maxBytes": 5242880}, {"code": "photo", "name": "双方合影照片", "nameEn": "Photo of both parties together", "description": "近期半身免冠合影", "required": false, "toleranceAllowed": false, "acceptedTypes": ["image/jpeg", "image/png"], "maxBytes": 2097152}]'::jsonb,
   '[{"code": "partnerName", "name": "对方姓名", "datatype": "string", "required": true, "order": 1, "maxLength": 50}, {"code": "appointmentDate", "name": "预约日期", "datatype": "date", "required": true, "order": 2}, {"code": "venue", "name": "登记地点", "datatype": "singlevaluelist", "required": true, "order": 3, "values": [{"key": "futian", "name": "福田区婚姻登记处"}, {"key": "nanshan", "name": "南山区婚姻登记处"}]}, {"code": "guests", "name": "观礼人数", "datatype": "integer", "required": false, "order": 4}]'::jsonb);

-- MZ-0002 最低生活保障申请
insert into service_item (code, department, current_version, status, search_text) values
  ('MZ-0002', 'MZJ', 1, 'active', 'mz-0002 最低生活保障申请 低保 救助 最低生活保障');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('MZ-0002', 1, '最低生活保障申请', 'MZJ', 'administrative_payment', array['低保', '救助', '最低生活保障']::text[],
   '家庭人均收入低于当地低保标准的家庭申请最低生活保障。',
   15, 30, 0, true, 0,
   '[{"code": "id_card", "name": "居民身份证", "nameEn": "Resident identity card", "description": "申请人有效居民身份证正反面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "household_register", "name": "户口簿", "nameEn": "Household register", "description": "家庭成员户口簿", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "income_statement", "name": "家庭收入及财产申报表", "nameEn": "Household income and assets declaration", "description": "申请人签字的家庭经济状况申报表", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "application/ofd"], "maxBytes": 5242880}, {"code": "authorization", "name": "经济状况核对授权书", "nameEn": "Authorisation to verify financial circumstances", "description": "家庭成员签字的核对授权书", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "application/ofd"], "maxBytes": 5242880}]'::jsonb,
   '[{"code": "familySize", "name": "共同生活家庭成员人数", "datatype": "integer", "required": true, "order": 1}, {"code": "monthlyIncome", "name": "家庭月总收入（元）", "datatype": "number", "required": true, "order": 2}, {"code": "hardship", "name": "困难情形", "datatype": "multivaluelist", "required": true, "order": 3, "values": [{"key": "illness", "name": "重病"}, {"key": "disability", "name": "残疾"}, {"key": "unemployed", "name": "失业"}, {"key": "elderly", "name": "高龄"}]}, {"code": "situation", "name": "困难情况说明", "datatype": "text", "required": false, "order": 4, "maxLength": 1000}]'::jsonb);

-- MZ-0003 社会团体成立登记
insert into service_item (code, department, current_version, status, search_text) values
  ('MZ-0003', 'MZJ', 1, 'active', 'mz-0003 社会团体成立登记 社会团体 社团 成立登记');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('MZ-0003', 1, '社会团体成立登记', 'MZJ', 'administrative_licensing', array['社会团体', '社团', '成立登记']::text[],
   '经批准筹备的社会团体申请成立登记。',
   20, 60, 1, false, 0,
   '[{"code": "responsible_id", "name": "负责人身份证", "nameEn": "Identity card of the person in charge", "description": "拟任负责人有效居民身份证", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "charter", "name": "章程草案", "nameEn": "Draft articles of association", "description": "经会员大会通过的章程草案", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "application/ofd"], "maxBytes": 5242880}, {"code": "premises_proof", "name": "住所使用证明", "nameEn": "Proof of use of the registered address", "description": "办公场所产权或租赁证明", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png", "application/ofd"], "maxBytes": 10485760}, {"code": "capital_proof", "name": "验资报告", "nameEn": "Capital verification report", "description": "会计师事务所出具的验资报告", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "application/ofd"], "maxBytes": 5242880}]'::jsonb,
   '[{"code": "orgName", "name": "社会团体名称", "datatype": "string", "required": true, "order": 1, "maxLength": 100}, {"code": "orgType", "name": "社团类型", "datatype": "singlevaluelist", "required": true, "order": 2, "values": [{"key": "academic", "name": "学术性"}, {"key": "industry", "name": "行业性"}, {"key": "professional", "name": "专业性"}, {"key": "federation", "name": "联合性"}]}, {"code": "memberCount", "name": "会员数量", "datatype": "integer", "required": true, "order": 3}, {"code": "registeredCapital", "name": "注册资金（万元）", "datatype": "number", "required": true, "order": 4}]'::jsonb);

-- WJ-0001 医师执业注册
insert into service_item (code, department, current_version, status, search_text) values
  ('WJ-0001', 'WJW', 1, 'active', 'wj-0001 医师执业注册 医师 执业注册 执业证书');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('WJ-0001', 1, '医师执业注册', 'WJW', 'administrative_licensing', array['医师', '执业注册', '执业证书']::text[],
   '取得医师资格的人员申请医师执业注册。',
   10, 20, 0, true, 0,
   '[{"code": "id_card", "name": "居民身份证", "nameEn": "Resident identity card", "description": "申请人有效居民身份证正反面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "qualification_cert", "name": "医师资格证书", "nameEn": "Physician qualification certificate", "description": "医师资格证书", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "health_cert", "name": "健康体检证明", "nameEn": "Medical examination certificate", "description": "六个月内县级以上医疗机构出具的体检证明", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "employment_proof", "name": "拟执业机构聘用证明", "nameEn": "Letter of employment from the practice institution", "description": "医疗机构出具的聘用证明", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "application/ofd"], "maxBytes": 5242880}]'::jsonb,
   '[{"code": "practiceCategory", "name": "执业类别", "datatype": "singlevaluelist", "required": true, "order": 1, "values": [{"key": "clinical", "name": "临床"}, {"key": "tcm", "name": "中医"}, {"key": "dental", "name": "口腔"}, {"key": "public_health", "name": "公共卫生"}]}, {"code": "practiceScope", "name": "执业范围", "datatype": "string", "required": true, "order": 2, "maxLength": 100}, {"code": "institution", "name": "执业机构名称", "datatype": "string", "required": true, "order": 3, "maxLength": 200}]'::jsonb);

-- WJ-0002 出生医学证明补发
insert into service_item (code, department, current_version, status, search_text) values
  ('WJ-0002', 'WJW', 1, 'active', 'wj-0002 出生医学证明补发 出生医学证明 出生证 补发');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('WJ-0002', 1, '出生医学证明补发', 'WJW', 'public_service', array['出生医学证明', '出生证', '补发']::text[],
   '出生医学证明遗失后由签发机构申请补发。',
   10, 30, 1, false, 0,
   '[{"code": "parent_id", "name": "父母身份证", "nameEn": "Identity cards of the parents", "description": "新生儿父母有效居民身份证", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "loss_statement", "name": "遗失声明", "nameEn": "Loss statement", "description": "父母签字的遗失声明", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "application/ofd"], "maxBytes": 5242880}, {"code": "birth_record", "name": "住院分娩病历", "nameEn": "Hospital delivery record", "description": "分娩医院住院病历首页", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png", "application/ofd"], "maxBytes": 10485760}]'::jsonb,
   '[{"code": "childName", "name": "新生儿姓名", "datatype": "string", "required": true, "order": 1, "maxLength": 50}, {"code": "birthDatetime", "name": "出生时间", "datatype": "datetime", "required": true, "order": 2}, {"code": "hospital", "name": "出生医院", "datatype": "string", "required": true, "order": 3, "maxLength": 200}]'::jsonb);

-- WJ-0003 护士执业注册
insert into service_item (code, department, current_version, status, search_text) values
  ('WJ-0003', 'WJW', 1, 'active', 'wj-0003 护士执业注册 护士 执业注册 护士执业证书');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('WJ-0003', 1, '护士执业注册', 'WJW', 'administrative_licensing', array['护士', '执业注册', '护士执业证书']::text[],
   '通过护士执业资格考试的人员申请护士执业注册。',
   10, 20, 0, true, 0,
   '[{"code": "id_card", "name": "居民身份证", "nameEn": "Resident identity card", "description": "申请人有效居民身份证正反面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "exam_cert", "name": "护士执业资格考试成绩合格证明", "nameEn": "Nurse licensing examination pass certificate", "description": "资格考试合格证明", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "health_cert", "name": "健康体检证明", "nameEn": "Medical examination certificate", "description": "六个月内县级以上医疗机构出具的体检证明", "required": false, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}]'::jsonb,
   '[{"code": "institution", "name": "拟执业医疗机构", "datatype": "string", "required": true, "order": 1, "maxLength": 200}, {"code": "examPassDate", "name": "考试合格日期", "datatype": "date", "required": true, "order": 2}]'::jsonb);

-- JT-0001 道路运输经营许可
insert into service_item (code, department, current_version, status, search_text) values
  ('JT-0001', 'JTJ', 1, 'active', 'jt-0001 道路运输经营许可 道路运输 货运 经营许可');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('JT-0001', 1, '道路运输经营许可', 'JTJ', 'administrative_licensing', array['道路运输', '货运', '经营许可']::text[],
   '申请从事道路普通货物运输经营的企业申请道路运输经营许可证。',
   7, 20, 0, true, 0,
   '[{"code": "business_licence", "name": "营业执照", "nameEn": "Business licence", "description": "申请企业营业执照", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "vehicle_licence", "name": "车辆行驶证", "nameEn": "Vehicle registration certificates", "description": "拟投入营运车辆行驶证", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png", "application/ofd"], "maxBytes": 10485760}, {"code": "driver_qualification", "name": "驾驶员从业资格证", "nameEn": "Qualification certificates of the drivers", "description": "聘用驾驶员从业资格证", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "safety_rules", "name": "安全生产管理制度", "nameEn": "Work safety management rules", "description": "企业安全生产管理制度文本", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "application/ofd"], "maxBytes": 5242880}]'::jsonb,
   '[{"code": "businessType", "name": "经营范围", "datatype": "multivaluelist", "required": true, "order": 1, "values": [{"key": "general_freight", "name": "道路普通货物运输"}, {"key": "container", "name": "集装箱运输"}, {"key": "large_goods", "name": "大型物件运输"}]}, {"code": "vehicleCount", "name": "营运车辆数", "datatype": "integer", "required": true, "order": 2}, {"code": "parkingAddress", "name": "停车场地地址", "datatype": "string", "required": true, "order": 3, "maxLength": 200}]'::jsonb);

-- JT-0002 网络预约出租汽车驾驶员证核发
insert into service_item (code, department, current_version, status, search_text) values
  ('JT-0002', 'JTJ', 1, 'active', 'jt-0002 网络预约出租汽车驾驶员证核发 网约车 驾驶员证 从业资格');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('JT-0002', 1, '网络预约出租汽车驾驶员证核发', 'JTJ', 'administrative_licensing', array['网约车', '驾驶员证', '从业资格']::text[],
   '申请从事网约车客运服务的驾驶员申请网络预约出租汽车驾驶员证。',
   10, 20, 1, false, 0,
   '[{"code": "id_card", "name": "居民身份证", "nameEn": "Resident identity card", "description": "申请人有效居民身份证正反面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "driving_licence", "name": "机动车驾驶证", "nameEn": "Driving licence", "description": "取得相应准驾车型驾驶证满3年", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "no_crime_proof", "name": "无犯罪记录证明", "nameEn": "Certificate of no criminal record", "description": "公安机关出具的无犯罪记录证明", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "photo", "name": "证件照", "nameEn": "ID photo", "description": "近期免冠白底证件照", "required": false, "toleranceAllowed": false, "acceptedTypes": ["image/jpeg", "image/png"], "maxBytes": 2097152}]'::jsonb,
   '[{"code": "licenceDate", "name": "初次领取驾驶证日期", "datatype": "date", "required": true, "order": 1}, {"code": "examDate", "name": "预约考试日期", "datatype": "date", "required": true, "order": 2}, {"code": "platform", "name": "服务平台", "datatype": "singlevaluelist", "required": false, "order": 3, "values": [{"key": "didi", "name": "滴滴出行"}, {"key": "caocao", "name": "曹操出行"}, {"key": "other", "name": "其他平台"}]}]'::jsonb);

-- YB-0001 医保关系转移接续
insert into service_item (code, department, current_version, status, search_text) values
  ('YB-0001', 'YBJ', 1, 'active', 'yb-0001 医保关系转移接续 医保 转移接续 跨省');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('YB-0001', 1, '医保关系转移接续', 'YBJ', 'public_service', array['医保', '转移接续', '跨省']::text[],
   '参保人员跨统筹地区就业时申请转移接续基本医疗保险关系。',
   10, 15, 0, true, 0,
   '[{"code": "id_card", "name": "居民身份证", "nameEn": "Resident identity card", "description": "申请人有效居民身份证正反面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "insurance_certificate", "name": "参保凭证", "nameEn": "Proof of insurance enrolment", "description": "转出地医保经办机构出具的参保凭证", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}]'::jsonb,
   '[{"code": "fromRegion", "name": "转出地", "datatype": "string", "required": true, "order": 1, "maxLength": 100}, {"code": "insuranceType", "name": "险种类型", "datatype": "singlevaluelist", "required": true, "order": 2, "values": [{"key": "employee", "name": "职工基本医疗保险"}, {"key": "resident", "name": "城乡居民基本医疗保险"}]}, {"code": "transferDate", "name": "转移日期", "datatype": "date", "required": false, "order": 3}]'::jsonb);

-- YB-0002 异地就医备案
insert into service_item (code, department, current_version, status, search_text) values
  ('YB-0002', 'YBJ', 1, 'active', 'yb-0002 异地就医备案 异地就医 备案 医保');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('YB-0002', 1, '异地就医备案', 'YBJ', 'public_service', array['异地就医', '备案', '医保']::text[],
   '参保人员异地长期居住或临时外出就医前办理异地就医备案。',
   1, 5, 0, true, 0,
   '[{"code": "id_card", "name": "居民身份证", "nameEn": "Resident identity card", "description": "申请人有效居民身份证正反面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "residence_proof", "name": "异地居住证明", "nameEn": "Proof of residence elsewhere", "description": "异地居住证或居住承诺书", "required": false, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}]'::jsonb,
   '[{"code": "filingType", "name": "备案类型", "datatype": "singlevaluelist", "required": true, "order": 1, "values": [{"key": "long_term", "name": "异地长期居住"}, {"key": "temporary", "name": "临时外出就医"}, {"key": "transfer", "name": "转诊转院"}]}, {"code": "targetRegion", "name": "就医地", "datatype": "string", "required": true, "order": 2, "maxLength": 100}, {"code": "startDate", "name": "备案开始日期", "datatype": "date", "required": true, "order": 3}, {"code": "endDate", "name": "备案结束日期", "datatype": "date", "required": false, "order": 4}]'::jsonb);

-- YB-0003 生育医疗费用报销
insert into service_item (code, department, current_version, status, search_text) values
  ('YB-0003', 'YBJ', 1, 'active', 'yb-0003 生育医疗费用报销 生育 报销 医疗费用');
insert into service_item_version (item_code, version, name, department, kind, keywords, description,
    promised_days, legal_days, visits_needed, fully_online, fee_cents, materials, attributes) values
  ('YB-0003', 1, '生育医疗费用报销', 'YBJ', 'administrative_payment', array['生育', '报销', '医疗费用']::text[],
   '参保人员生育发生的符合规定的医疗费用申请零星报销。',
   15, 20, 0, true, 0,
   '[{"code": "id_card", "name": "居民身份证", "nameEn": "Resident identity card", "description": "申请人有效居民身份证正反面", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "invoice", "name": "医疗费用发票", "nameEn": "Medical expense invoices", "description": "住院医疗费用票据", "required": true, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png", "application/ofd"], "maxBytes": 10485760}, {"code": "discharge_summary", "name": "出院小结", "nameEn": "Discharge summary", "description": "分娩住院出院小结", "required": true, "toleranceAllowed": true, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}, {"code": "birth_cert", "name": "出生医学证明", "nameEn": "Medical birth certificate", "description": "新生儿出生医学证明", "required": false, "toleranceAllowed": false, "acceptedTypes": ["application/pdf", "image/jpeg", "image/png"], "maxBytes": 5242880}]'::jsonb,
   '[{"code": "deliveryDate", "name": "分娩日期", "datatype": "date", "required": true, "order": 1}, {"code": "totalAmount", "name": "医疗费用总额（元）", "datatype": "number", "required": true, "order": 2}, {"code": "deliveryMode", "name": "分娩方式", "datatype": "singlevaluelist", "required": true, "order": 3, "values": [{"key": "natural", "name": "自然分娩"}, {"key": "cesarean", "name": "剖宫产"}]}, {"code": "bankAccount", "name": "收款银行账号", "datatype": "string", "required": true, "order": 4, "maxLength": 30}]'::jsonb);

insert into demo_user (id, name, roles, department, uscc, region) values
  ('citizen-zhang', '张伟', array['citizen']::text[], null, null, null),
  ('citizen-li', '李娜', array['citizen']::text[], null, null, null),
  ('enterprise-wang', '王芳', array['enterprise']::text[], null, '9144030035829164XE', null),
  ('enterprise-zhao', '赵磊', array['enterprise']::text[], null, '9144030035829164XE', null),
  ('enterprise-chen', '陈静', array['enterprise']::text[], null, '91440300571930287K', null),
  ('officer-scjg', '刘洋', array['officer']::text[], 'SCJGJ', null, null),
  ('officer-gongan', '杨帆', array['officer']::text[], 'GAJ', null, null),
  ('officer-renshe', '黄敏', array['officer']::text[], 'RSJ', null, null),
  ('officer-zhujian', '吴强', array['officer']::text[], 'ZJJ', null, null),
  ('officer-minzheng', '徐丽', array['officer']::text[], 'MZJ', null, null),
  ('officer-weijian', '马超', array['officer']::text[], 'WJW', null, null),
  ('officer-jiaotong', '胡军', array['officer']::text[], 'JTJ', null, null),
  ('officer-yibao', '郭婷', array['officer']::text[], 'YBJ', null, null),
  ('manager-sun', '孙丽', array['manager']::text[], null, null, '440000'),
  ('manager-guangzhou', '梁伟', array['manager']::text[], null, null, '440100'),
  ('admin-zhou', '周杰', array['admin']::text[], null, null, null),
  ('integration-zhujian', '住建局审批系统', array['integration']::text[], 'ZJJ', null, null);

-- 实施编码 of every demo item (24 characters, as a province assigns them; made up for the demo)
update service_item_version set implementation_code = '440300' || upper(substr(md5(item_code), 1, 18));

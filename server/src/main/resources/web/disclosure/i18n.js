// Labels of the published results' page, Chinese first. Names from the API are shown as they are.
window.ZB_I18N = {
  'zh-CN': {
    title: '政务服务好差评结果公示',
    period: '公示期间', region: '地区', wholeProvince: '全省', department: '部门', allDepartments: '全部部门',
    summaryTitle: '评价结果',
    active: '主动评价数', goodRate: '好评率', poorRate: '差评率', activeRate: '主动评价率',
    poorVerifiedRate: '差评回访率', poorRectifiedRate: '差评整改率', poorOnTimeRate: '按期整改率', appealsUpheld: '申诉成立',
    levelsTitle: '评价等级分布', departmentsTitle: '部门好评率排名', itemsTitle: '事项好评率排名', trendTitle: '近12个月趋势',
    level: '等级', count: '数量', rank: '名次', name: '名称', month: '月份',
    level1: '非常不满意', level2: '不满意', level3: '基本满意', level4: '满意', level5: '非常满意',
    withheld: '评价数少于 {n} 条，不予公布。', withheldCell: '样本不足，不予公布',
    rankNote: '仅对评价数不少于 {n} 条的对象排名；其余列为“样本不足”。',
    month1: '{y}年{m}月', quarter: '{y}年第{q}季度', year: '{y}年',
    footnote: '数据来自政务服务“好差评”系统，按评价等级统计；评价数少于最少样本的对象不予公布。',
    failed: '数据加载失败：{msg}', tooMany: '访问过于频繁，请 {s} 秒后再试。'
  },
  en: {
    title: 'Government service ratings: published results',
    period: 'Period', region: 'Region', wholeProvince: 'Whole province', department: 'Department', allDepartments: 'All departments',
    summaryTitle: 'Results',
    active: 'Active ratings', goodRate: 'Good rate', poorRate: 'Poor rate', activeRate: 'Active rating rate',
    poorVerifiedRate: 'Poor ratings followed up', poorRectifiedRate: 'Poor ratings rectified', poorOnTimeRate: 'Rectified on time',
    appealsUpheld: 'Appeals upheld',
    levelsTitle: 'Ratings by level', departmentsTitle: 'Departments by good rate', itemsTitle: 'Service items by good rate',
    trendTitle: 'The last 12 months',
    level: 'Level', count: 'Count', rank: 'Rank', name: 'Name', month: 'Month',
    level1: 'Very dissatisfied', level2: 'Dissatisfied', level3: 'Fairly satisfied', level4: 'Satisfied', level5: 'Very satisfied',
    withheld: 'Fewer than {n} ratings: not published.', withheldCell: 'Too few ratings to publish',
    rankNote: 'Only those with at least {n} ratings are ranked; the others are listed as too few.',
    month1: '{y}-{m}', quarter: '{y} Q{q}', year: '{y}',
    footnote: 'From the government service rating system; whatever has fewer ratings than the minimum sample is not published.',
    failed: 'Loading failed: {msg}', tooMany: 'Too many requests; try again in {s} s.'
  }
};

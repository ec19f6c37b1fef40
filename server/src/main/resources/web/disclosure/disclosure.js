// The published results (公示) of 好差评, for anyone: the province, a region or a department, a
// period, rankings of departments and service items, and the monthly trend. Everything comes from
// the server's public API; names from it are always set as text, never as markup. Every chart's
// numbers are in the table beside it.
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const state = {
    lang: params.get('lang') === 'en' ? 'en' : 'zh-CN',
    regions: [],
    departments: [],
    charts: {},
    asked: 0, // choices made so far: only the answers to the latest are shown
    last: null // the answers shown, to redraw in the other language
  };

  function t(key, values) {
    const text = (window.ZB_I18N[state.lang] || {})[key] || window.ZB_I18N['zh-CN'][key] || key;
    return text.replace(/\{(\w+)\}/g, (m, k) => (values && values[k] !== undefined ? values[k] : m));
  }

  function applyLanguage() {
    document.documentElement.lang = state.lang;
    document.title = t('title');
    document.querySelectorAll('[data-i18n]').forEach((node) => { node.textContent = t(node.dataset.i18n); });
    document.querySelectorAll('[data-i18n-label]').forEach((node) => node.setAttribute('aria-label', t(node.dataset.i18nLabel)));
    $('lang').textContent = state.lang === 'en' ? '中文' : 'English';
    $('lang').lang = state.lang === 'en' ? 'zh-CN' : 'en';
    fillPeriods();
  }

  // ---- numbers ---------------------------------------------------------------------------------

  function percent(value) {
    return value === null || value === undefined ? '—' : (value * 100).toFixed(1) + '%';
  }

  // ---- the API -----------------------------------------------------------------------------------

  async function get(path) {
    const response = await fetch(path, { headers: { Accept: 'application/json' } });
    const body = await response.json().catch(() => ({}));
    if (response.status === 429) {
      throw new Error(t('tooMany', { s: response.headers.get('Retry-After') || '60' }));
    }
    if (!response.ok) {
      throw new Error(body.detail || body.title || String(response.status));
    }
    return body;
  }

  function query(values) {
    const q = new URLSearchParams();
    Object.keys(values).forEach((k) => { if (values[k]) q.set(k, values[k]); });
    return q.toString();
  }

  // ---- the filters -------------------------------------------------------------------------------

  /** The last complete month first, then the months, quarters and years before (Asia/Shanghai). */
  function periodChoices() {
    const now = new Date(Date.now() + 8 * 3600 * 1000); // Shanghai's wall clock, read as UTC
    const year = now.getUTCFullYear();
    const month = now.getUTCMonth() + 1;
    const out = [];
    for (let i = 1; i <= 12; i++) {
      const d = new Date(Date.UTC(year, month - 1 - i, 1));
      const y = d.getUTCFullYear();
      const m = d.getUTCMonth() + 1;
      out.push({ value: y + '-' + String(m).padStart(2, '0'), label: t('month1', { y: y, m: m }) });
    }
    const quarter = Math.floor((month - 1) / 3); // quarters before the current one
    for (let i = 1; i <= 4; i++) {
      const q = quarter - i;
      const y = year + Math.floor(q / 4);
      const n = ((q % 4) + 4) % 4 + 1;
      out.push({ value: y + '-Q' + n, label: t('quarter', { y: y, q: n }) });
    }
    out.push({ value: String(year - 1), label: t('year', { y: year - 1 }) });
    return out;
  }

  function fillPeriods() {
    const select = $('period');
    const chosen = select.value || params.get('period');
    const choices = periodChoices();
    if (chosen && !choices.some((c) => c.value === chosen)) {
      choices.unshift({ value: chosen, label: chosen });
    }
    select.replaceChildren(...choices.map((c) => new Option(c.label, c.value)));
    select.value = chosen || choices[0].value;
  }

  /** The region and the regions below it. */
  function subtree(code) {
    const out = new Set([code]);
    let grew = true;
    while (grew) {
      grew = false;
      state.regions.forEach((r) => {
        if (r.parent && out.has(r.parent) && !out.has(r.code)) {
          out.add(r.code);
          grew = true;
        }
      });
    }
    return out;
  }

  function fillRegions() {
    const select = $('region');
    const depth = { province: 0, city: 1, county: 2 };
    state.regions.forEach((r) => {
      select.add(new Option('\u3000'.repeat(depth[r.level] || 0) + r.name, r.code));
    });
    select.value = params.get('region') || '';
  }

  function fillDepartments() {
    const select = $('department');
    const chosen = select.value || params.get('department') || '';
    const region = $('region').value;
    const inRegion = region ? subtree(region) : null;
    const first = select.options[0];
    select.replaceChildren(first);
    state.departments.filter((d) => !inRegion || inRegion.has(d.region)).forEach((d) => select.add(new Option(d.name, d.code)));
    select.value = Array.from(select.options).some((o) => o.value === chosen) ? chosen : '';
  }

  function filters() {
    const f = { period: $('period').value, region: $('region').value, department: $('department').value };
    const address = query({ period: f.period, region: f.region, department: f.department,
      lang: state.lang === 'en' ? 'en' : '' });
    history.replaceState(null, '', location.pathname + (address ? '?' + address : ''));
    return f;
  }

  /** The last month of a period, and not after the current one. */
  function trendEnd(period) {
    const now = new Date(Date.now() + 8 * 3600 * 1000);
    const current = now.getUTCFullYear() + '-' + String(now.getUTCMonth() + 1).padStart(2, '0');
    let end = period;
    if (/^\d{4}$/.test(period)) {
      end = period + '-12';
    } else if (/-Q\d$/.test(period)) {
      end = period.slice(0, 4) + '-' + String(Number(period.slice(-1)) * 3).padStart(2, '0');
    }
    return end > current ? current : end;
  }

  // ---- drawing -----------------------------------------------------------------------------------

  function chart(id) {
    if (!state.charts[id]) {
      state.charts[id] = echarts.init($(id), null, { renderer: 'canvas' });
    }
    return state.charts[id];
  }

  /** Tooltips drawn on the canvas: names from the API are never parsed as HTML. */
  const TOOLTIP = { trigger: 'axis', renderMode: 'richText', axisPointer: { type: 'shadow' } };

  function cell(row, text, cls, field) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    if (field) td.dataset.field = field;
    row.appendChild(td);
    return td;
  }

  function table(id, header, rows) {
    const node = $(id);
    node.replaceChildren();
    const head = node.createTHead().insertRow();
    header.forEach((h) => {
      const th = document.createElement('th');
      th.textContent = h.text;
      if (h.num) th.className = 'num';
      head.appendChild(th);
    });
    const body = node.createTBody();
    rows.forEach((r) => body.appendChild(r));
  }

  function drawSummary(summary) {
    $('scope-name').textContent = summary.scope.name ? '· ' + summary.scope.name : '· ' + t('wholeProvince');
    const i = summary.indicators;
    $('withheld').hidden = !summary.withheld;
    $('withheld').textContent = t('withheld', { n: summary.minSample });
    $('kpi-active').textContent = i ? String(i.active) : '—';
    ['goodRate', 'poorRate', 'activeRate', 'poorVerifiedRate', 'poorRectifiedRate', 'poorOnTimeRate'].forEach((k) => {
      $('kpi-' + k).textContent = i ? percent(i[k]) : '—';
    });
    $('kpi-appealsUpheld').textContent = i ? String(i.appealsUpheld) : '—';

    const levels = [5, 4, 3, 2, 1];
    chart('chart-levels').setOption({
      animation: false,
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      tooltip: TOOLTIP,
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: levels.map((l) => t('level' + l)) },
      series: [{ type: 'bar', name: t('count'), data: levels.map((l) => (i ? i.levels['level' + l] : 0)),
        itemStyle: { color: '#1565c0' }, label: { show: !!i, position: 'right' } }]
    }, true);
    table('table-levels', [{ text: t('level') }, { text: t('count'), num: true }], levels.map((l) => {
      const row = document.createElement('tr');
      row.dataset.level = String(l);
      cell(row, t('level' + l));
      cell(row, i ? String(i.levels['level' + l]) : t('withheldCell'), 'num', 'count');
      return row;
    }));
  }

  function drawRanking(kind, ranking) {
    const ranked = ranking.items;
    chart('chart-' + kind).setOption({
      animation: false,
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: TOOLTIP,
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', inverse: true, data: ranked.map((g) => g.groupName || g.group),
        axisLabel: { width: 150, overflow: 'truncate' } },
      series: [{ type: 'bar', name: t('goodRate'),
        data: ranked.map((g) => Math.round((g.indicators.goodRate || 0) * 1000) / 10),
        itemStyle: { color: '#2e7d32' }, label: { show: true, position: 'right', formatter: '{c}%' } }]
    }, true);
    const rows = ranked.map((g) => {
      const row = document.createElement('tr');
      row.dataset.group = g.group;
      cell(row, String(g.rank), 'num', 'rank');
      cell(row, g.groupName || g.group, null, 'name');
      cell(row, String(g.indicators.active), 'num', 'active');
      cell(row, percent(g.indicators.goodRate), 'num', 'goodRate');
      return row;
    });
    ranking.withheld.forEach((g) => {
      const row = document.createElement('tr');
      row.dataset.group = g.group;
      row.className = 'withheld-row';
      cell(row, '—', 'num', 'rank');
      cell(row, g.groupName || g.group, null, 'name');
      const note = cell(row, t('withheldCell'), null, 'withheld');
      note.colSpan = 2;
      rows.push(row);
    });
    table('table-' + kind, [{ text: t('rank'), num: true }, { text: t('name') }, { text: t('active'), num: true },
      { text: t('goodRate'), num: true }], rows);
    $(kind + '-note').textContent = t('rankNote', { n: ranking.minSample });
  }

  function drawTrend(trend) {
    const points = trend.points;
    chart('chart-trend').setOption({
      animation: false,
      grid: { left: 8, right: 8, top: 28, bottom: 8, containLabel: true },
      tooltip: TOOLTIP,
      legend: { data: [t('active'), t('goodRate')] },
      xAxis: { type: 'category', data: points.map((p) => p.month) },
      yAxis: [{ type: 'value', minInterval: 1 }, { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } }],
      series: [
        { type: 'bar', name: t('active'), data: points.map((p) => (p.indicators ? p.indicators.active : null)),
          itemStyle: { color: '#90caf9' } },
        { type: 'line', name: t('goodRate'), yAxisIndex: 1, connectNulls: false,
          data: points.map((p) => (p.indicators && p.indicators.goodRate !== null ? Math.round(p.indicators.goodRate * 1000) / 10 : null)),
          itemStyle: { color: '#2e7d32' } }
      ]
    }, true);
    table('table-trend', [{ text: t('month') }, { text: t('active'), num: true }, { text: t('goodRate'), num: true }],
      points.slice().reverse().map((p) => {
        const row = document.createElement('tr');
        row.dataset.month = p.month;
        cell(row, p.month, null, 'month');
        if (p.indicators) {
          cell(row, String(p.indicators.active), 'num', 'active');
          cell(row, percent(p.indicators.goodRate), 'num', 'goodRate');
        } else {
          const note = cell(row, t('withheldCell'), null, 'withheld');
          note.colSpan = 2;
        }
        return row;
      }));
  }

  function draw() {
    const a = state.last;
    if (!a) return;
    drawSummary(a.summary);
    $('departments-panel').hidden = !a.departments;
    if (a.departments) drawRanking('departments', a.departments);
    drawRanking('items', a.items);
    drawTrend(a.trend);
  }

  // ---- loading -----------------------------------------------------------------------------------

  async function load() {
    const f = filters();
    const scope = f.department ? { department: f.department } : { region: f.region };
    const asked = ++state.asked;
    $('error').hidden = true;
    try {
      const [summary, departments, items, trend] = await Promise.all([
        get('/public/ratings/summary?' + query(Object.assign({ period: f.period }, scope))),
        f.department ? Promise.resolve(null)
          : get('/public/ratings/ranking?' + query({ period: f.period, by: 'department', region: f.region, limit: 20 })),
        get('/public/ratings/ranking?' + query(Object.assign({ period: f.period, by: 'item', limit: 20 }, scope))),
        get('/public/ratings/trend?' + query(Object.assign({ to: trendEnd(f.period), months: 12 }, scope)))
      ]);
      if (asked !== state.asked) {
        return; // a later choice was made while these were on their way: its answers are shown
      }
      state.last = { summary: summary, departments: departments, items: items, trend: trend };
      draw();
    } catch (e) {
      if (asked !== state.asked) {
        return;
      }
      $('error').textContent = t('failed', { msg: e.message });
      $('error').hidden = false;
    } finally {
      document.body.dataset.loads = String(Number(document.body.dataset.loads) + 1);
    }
  }

  async function start() {
    applyLanguage();
    try {
      const [regions, departments] = await Promise.all([get('/regions'), get('/departments')]);
      state.regions = regions.items;
      state.departments = departments.items;
    } catch (e) {
      $('error').textContent = t('failed', { msg: e.message });
      $('error').hidden = false;
    }
    fillRegions();
    fillDepartments();
    $('period').addEventListener('change', load);
    $('region').addEventListener('change', () => { fillDepartments(); load(); });
    $('department').addEventListener('change', load);
    $('lang').addEventListener('click', () => {
      state.lang = state.lang === 'en' ? 'zh-CN' : 'en';
      applyLanguage();
      filters();
      draw();
    });
    window.addEventListener('resize', () => Object.values(state.charts).forEach((c) => c.resize()));
    await load();
  }

  start();
})();

// The managers' dashboard: 好差评 statistics, rectification queues and overdue supervision, read
// from the server's own API with the manager's bearer token.
//
// Every text that comes from the API (names, comments, reasons) is user input: it reaches the page
// only as textContent or as chart text drawn on a canvas (tooltips in richText mode), never as HTML.
(function () {
  'use strict';

  const ZONE = 'Asia/Shanghai';
  const TOKEN_KEY = 'zhangban.dashboard.token';
  const LANG_KEY = 'zhangban.dashboard.lang';
  const CASE_STATES = ['open', 'claimed', 'verified', 'rectified', 'replied', 'closed'];
  const LEVEL_COLORS = ['#c62828', '#ef6c00', '#f9a825', '#7cb342', '#2e7d32'];
  const I18N = window.ZB_I18N;

  const state = {
    token: null,
    me: null,
    loadedAt: null,
    lang: 'zh-CN',
    departments: new Map(),
    charts: {},
    last: {},
    generation: 0,
    loads: 0
  };

  const $ = (id) => document.getElementById(id);

  // ---- text ----------------------------------------------------------------------------------

  function t(key, vars) {
    const text = (I18N[state.lang] && I18N[state.lang][key]) || I18N['zh-CN'][key] || key;
    return vars ? text.replace(/\{(\w+)\}/g, (m, name) => String(vars[name])) : text;
  }

  /** An element with properties and children; strings become text nodes, never markup. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.entries(props || {}).forEach(([k, v]) => {
      if (v === undefined || v === null) {
        return;
      }
      if (k === 'className') {
        node.className = v;
      } else if (k === 'dataset') {
        Object.assign(node.dataset, v);
      } else {
        node.setAttribute(k, v);
      }
    });
    children.flat().forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c))));
    return node;
  }

  function clear(node) {
    node.replaceChildren();
  }

  function pct(x) {
    return x === null || x === undefined ? '–' : (x * 100).toFixed(1) + '%';
  }

  function departmentName(code) {
    return state.departments.get(code) || code;
  }

  function applyLanguage() {
    document.documentElement.lang = state.lang;
    document.title = t('title');
    document.querySelectorAll('[data-i18n]').forEach((n) => { n.textContent = t(n.dataset.i18n); });
    document.querySelectorAll('[data-i18n-label]').forEach((n) => n.setAttribute('aria-label', t(n.dataset.i18nLabel)));
    const other = state.lang === 'zh-CN' ? 'en' : 'zh-CN';
    $('lang').textContent = other === 'en' ? 'English' : '中文';
    $('lang').setAttribute('lang', other);
  }

  // ---- dates (days are Asia/Shanghai days, as in the statistics) -------------------------------

  function today() {
    return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' })
      .format(new Date());
  }

  function addDays(iso, n) {
    const d = new Date(iso + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function periodRange(period) {
    const to = today();
    switch (period) {
      case '7d': return { from: addDays(to, -6), to };
      case '90d': return { from: addDays(to, -89), to };
      case '12m': {
        const d = new Date(to.slice(0, 7) + '-01T00:00:00Z');
        d.setUTCMonth(d.getUTCMonth() - 11);
        return { from: d.toISOString().slice(0, 10), to };
      }
      default: return { from: addDays(to, -29), to };
    }
  }

  /**
   * Every bucket of the range, as the API names them (the first day of each: days, ISO weeks from
   * Monday, months), so that days without ratings show as such instead of being skipped.
   */
  function bucketsOf(from, to, bucket) {
    let start = from;
    if (bucket === 'week') {
      start = addDays(from, -((new Date(from + 'T00:00:00Z').getUTCDay() + 6) % 7));
    } else if (bucket === 'month') {
      start = from.slice(0, 8) + '01';
    }
    const out = [];
    for (let b = start; b <= to && out.length < 1200; ) {
      out.push(b);
      if (bucket === 'month') {
        const d = new Date(b + 'T00:00:00Z');
        d.setUTCMonth(d.getUTCMonth() + 1);
        b = d.toISOString().slice(0, 10);
      } else {
        b = addDays(b, bucket === 'week' ? 7 : 1);
      }
    }
    return out;
  }

  function bucketFor(from, to) {
    const days = (Date.parse(to) - Date.parse(from)) / 86400000 + 1;
    return days <= 31 ? 'day' : days <= 180 ? 'week' : 'month';
  }

  // ---- the API -------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || ('HTTP ' + status));
      this.status = status;
      this.problem = problem;
    }
  }

  async function api(path, init) {
    const headers = Object.assign({ Accept: 'application/json' }, (init && init.headers) || {});
    if (state.token) {
      headers.Authorization = 'Bearer ' + state.token;
    }
    const res = await fetch(path, Object.assign({}, init, { headers, cache: 'no-store' }));
    if (!res.ok) {
      let problem = null;
      try {
        problem = await res.json();
      } catch (e) {
        // an empty body, e.g. an operation the server does not serve yet
      }
      if (res.status === 401 && state.token) {
        signOut(t('expired'));
      }
      throw new ApiError(res.status, problem);
    }
    return res.json();
  }

  function query(params) {
    const q = new URLSearchParams();
    Object.entries(params).forEach(([k, v]) => {
      if (v !== undefined && v !== null && v !== '') {
        q.set(k, String(v));
      }
    });
    return q.toString();
  }

  // ---- sign-in -------------------------------------------------------------------------------

  async function signIn(token) {
    state.token = token.trim();
    $('sign-in-error').textContent = '';
    try {
      const me = await api('/me');
      const roles = me.roles || [];
      if (!roles.includes('manager') && !roles.includes('officer')) {
        state.token = null;
        $('sign-in-error').textContent = t('needsManager');
        return;
      }
      sessionStorage.setItem(TOKEN_KEY, state.token);
      state.me = me;
      showWho();
      $('sign-in').hidden = true;
      $('board').hidden = false;
      $('sign-out').hidden = false;
      await loadDepartments();
      readFiltersFromUrl();
      await refresh();
      openCaseFromHash();
    } catch (e) {
      state.token = null;
      $('sign-in-error').textContent = e.status === 401 ? t('expired') : t('failed', { msg: e.message });
    }
  }

  function showWho() {
    $('who').textContent = state.me ? t('signedInAs', {
      name: state.me.name || state.me.subject,
      roles: state.me.roles.filter((r) => ['manager', 'officer', 'admin'].includes(r)).map((r) => t('role_' + r)).join(', ')
    }) : '';
  }

  function showLoaded() {
    $('status').textContent = state.loadedAt ? t('loaded', { t: state.loadedAt.toLocaleTimeString(state.lang) }) : '';
  }

  function signOut(message) {
    state.token = null;
    state.me = null;
    sessionStorage.removeItem(TOKEN_KEY);
    $('board').hidden = true;
    $('sign-out').hidden = true;
    $('who').textContent = '';
    $('sign-in').hidden = false;
    $('token').value = '';
    $('sign-in-error').textContent = message || '';
    offerDemoManager();
  }

  /** In DEV_MODE the server lists demo users and signs tokens for them; elsewhere /dev answers 404. */
  async function offerDemoManager() {
    const button = $('demo-manager');
    try {
      const users = await api('/dev/users');
      // the province's demo manager (region pp0000), who sees every department, before a city's
      const managers = (users.items || []).filter((u) => (u.roles || []).includes('manager'));
      const manager = managers.find((u) => /0000$/.test(u.region || '')) || managers[0];
      button.hidden = !manager;
      button.dataset.user = manager ? manager.id : '';
    } catch (e) {
      button.hidden = true;
    }
  }

  async function signInAsDemoManager() {
    try {
      const issued = await api('/dev/tokens', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: $('demo-manager').dataset.user })
      });
      await signIn(issued.token);
    } catch (e) {
      $('sign-in-error').textContent = t('failed', { msg: e.message });
    }
  }

  async function loadDepartments() {
    const select = $('department');
    const chosen = select.value;
    const list = await api('/departments');
    state.departments = new Map(list.items.map((d) => [d.code, d.name]));
    select.querySelectorAll('option[data-code]').forEach((o) => o.remove());
    list.items.forEach((d) => select.append(el('option', { value: d.code, dataset: { code: d.code } }, d.name)));
    select.value = chosen;
  }

  // ---- filters (kept in the address, so a view can be bookmarked or shared) -------------------

  function readFiltersFromUrl() {
    const p = new URLSearchParams(location.search);
    const from = p.get('from');
    const to = p.get('to');
    if (from && to) {
      $('period').value = 'custom';
      $('from').value = from;
      $('to').value = to;
    } else {
      $('period').value = ['7d', '30d', '90d', '12m'].includes(p.get('period')) ? p.get('period') : '30d';
      const range = periodRange($('period').value);
      $('from').value = range.from;
      $('to').value = range.to;
    }
    $('department').value = state.departments.has(p.get('department')) ? p.get('department') : '';
    $('channel').value = p.get('channel') || '';
    if ($('channel').selectedIndex < 0) {
      $('channel').value = '';
    }
    $('min-sample').value = p.get('minSample') || '';
    $('rank-order').value = p.get('order') === 'worst' ? 'worst' : 'best';
  }

  function filters() {
    const period = $('period').value;
    const f = {
      period,
      from: $('from').value,
      to: $('to').value,
      department: $('department').value,
      channel: $('channel').value,
      minSample: $('min-sample').value,
      order: $('rank-order').value
    };
    const p = period === 'custom'
      ? { from: f.from, to: f.to }
      : { period: period === '30d' ? '' : period };
    const address = query(Object.assign(p, {
      department: f.department, channel: f.channel, minSample: f.minSample,
      order: f.order === 'best' ? '' : f.order, lang: state.lang === 'zh-CN' ? '' : state.lang
    }));
    history.replaceState(null, '', location.pathname + (address ? '?' + address : '') + location.hash);
    return f;
  }

  // ---- charts --------------------------------------------------------------------------------

  function chart(id) {
    if (!state.charts[id]) {
      state.charts[id] = echarts.init($(id), null, { renderer: 'canvas' });
    }
    return state.charts[id];
  }

  /** Tooltips drawn on the canvas: names from the API are never parsed as HTML. */
  const TOOLTIP = { trigger: 'axis', renderMode: 'richText', axisPointer: { type: 'shadow' } };

  function horizontalBars(id, names, values, options) {
    chart(id).setOption({
      animation: false,
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      tooltip: TOOLTIP,
      xAxis: { type: 'value', max: options.max, minInterval: options.minInterval, axisLabel: { formatter: options.axisFormat } },
      yAxis: { type: 'category', data: names, inverse: true, axisLabel: { width: 160, overflow: 'truncate' } },
      series: [{
        type: 'bar', name: options.name, data: values, itemStyle: { color: options.color },
        label: { show: true, position: 'right', formatter: options.labelFormat }
      }]
    }, true);
  }

  function table(id, header, rows) {
    const node = $(id);
    clear(node);
    node.append(el('thead', {}, el('tr', {}, header.map((h) => el('th', { scope: 'col' }, h)))));
    node.append(el('tbody', {}, rows.map((r) => el('tr', r.props || {}, r.cells.map((c) => el('td', {}, c))))));
  }

  function note(id, text, kind) {
    const n = $(id);
    n.textContent = text || '';
    n.className = 'note' + (kind ? ' ' + kind : '');
  }

  function unavailable(panel, error) {
    const message = error.status === 503 && !error.problem ? t('notAvailable') : t('failed', { msg: error.message });
    note('note-' + panel, message, 'error');
    const c = state.charts['chart-' + panel];
    if (c) {
      c.clear();
    }
    const tbl = $('table-' + panel);
    if (tbl) {
      clear(tbl);
    }
  }

  // ---- panels: each loads its data, then renders it (again on a change of language) -----------

  const panels = {
    stats: {
      load: (f) => api('/stats/ratings?' + query({
        from: f.from, to: f.to, groupBy: 'none', bucket: bucketFor(f.from, f.to),
        department: f.department, channel: f.channel
      })),
      render(data) {
        const k = data.totals;
        kpi('kpi-active', k.active, String(k.active));
        kpi('kpi-good-rate', k.goodRate, pct(k.goodRate));
        kpi('kpi-poor-rate', k.poorRate, pct(k.poorRate));
        kpi('kpi-active-rate', k.activeRate, pct(k.activeRate));
        kpi('kpi-rectified-rate', k.poorRectifiedRate, pct(k.poorRectifiedRate));
        kpi('kpi-on-time-rate', k.poorOnTimeRate, pct(k.poorOnTimeRate));
        kpi('kpi-excluded', data.excluded, String(data.excluded));
        renderTrend(data);
        renderLevels(data);
      },
      fail(e) {
        ['kpi-active', 'kpi-good-rate', 'kpi-poor-rate', 'kpi-active-rate', 'kpi-rectified-rate', 'kpi-on-time-rate',
          'kpi-excluded'].forEach((id) => kpi(id, null, '–'));
        unavailable('trend', e);
        unavailable('levels', e);
      }
    },
    tags: {
      load: (f) => api('/stats/ratings/tags?' + query({
        from: f.from, to: f.to, limit: 10, department: f.department, channel: f.channel
      })),
      render(data) {
        const names = data.tags.map((tag) => (tag.label && tag.label[state.lang]) || tag.code);
        horizontalBars('chart-tags', names, data.tags.map((tag) => tag.count), {
          name: t('count'), color: '#c62828', minInterval: 1
        });
        table('table-tags', [t('reason'), t('count'), t('share')],
          data.tags.map((tag, i) => ({ props: { dataset: { code: tag.code } }, cells: [names[i], tag.count, pct(tag.share)] })));
        note('note-tags', data.tags.length ? '' : t('noData'));
      },
      fail: (e) => unavailable('tags', e)
    },
    rankDepartment: {
      load: (f) => ranking('department', f),
      render: (data) => renderRanking('rank-department', data),
      fail: (e) => unavailable('rank-department', e)
    },
    rankItem: {
      load: (f) => ranking('item', f),
      render: (data) => renderRanking('rank-item', data),
      fail: (e) => unavailable('rank-item', e)
    },
    queue: {
      load: (f) => api('/stats/rectification?' + query({ department: f.department })),
      render(data) {
        const counts = CASE_STATES.map((s) => data.byState[s] || 0);
        chart('chart-queue').setOption({
          animation: false,
          grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
          tooltip: TOOLTIP,
          xAxis: { type: 'category', data: CASE_STATES.map((s) => t('st_' + s)), axisLabel: { interval: 0 } },
          yAxis: { type: 'value', minInterval: 1 },
          series: [{ type: 'bar', name: t('count'), data: counts, itemStyle: { color: '#1565c0' }, label: { show: true, position: 'top' } }]
        }, true);
        table('table-queue', [t('state'), t('count')], [
          ...CASE_STATES.map((s, i) => ({ props: { dataset: { state: s } }, cells: [t('st_' + s), counts[i]] })),
          { props: { dataset: { warning: 'yellow' } }, cells: [t('w_yellow'), data.byWarning.yellow] },
          { props: { dataset: { warning: 'red' }, className: 'overdue' }, cells: [t('w_red'), data.byWarning.red] },
          { props: { dataset: { key: 'escalated' } }, cells: [t('escalated'), data.escalated] },
          { props: { dataset: { key: 'appealsPending' } }, cells: [t('appealsPending'), data.appealsPending] }
        ]);
        note('note-queue', t('asOf') + ' ' + data.asOf);
      },
      fail: (e) => unavailable('queue', e)
    },
    cases: {
      async load(f) {
        const [red, latest] = await Promise.all([
          api('/rectification-cases?' + query({ warning: 'red', department: f.department, limit: 50 })),
          api('/rectification-cases?' + query({ department: f.department, limit: 50 }))
        ]);
        const seen = new Set();
        return red.items.concat(latest.items).filter((c) => !seen.has(c.id) && seen.add(c.id));
      },
      render(cases) {
        table('table-cases',
          [t('applicationNumber'), t('department'), t('state'), t('warning'), t('replyDue'), t('level'), t('openedAt')],
          cases.map((c) => ({
            props: { className: 'warning-' + c.warning, dataset: { caseId: c.id, warning: c.warning } },
            cells: [
              el('a', { href: '#case/' + c.id }, c.applicationNumber),
              departmentName(c.department),
              t('st_' + c.state),
              t('w_' + c.warning),
              c.deadlines.reply.due,
              c.rating.level + ' ' + t('level' + c.rating.level),
              formatTime(c.openedAt)
            ]
          })));
        note('note-cases', cases.length ? '' : t('noData'));
      },
      fail: (e) => { note('note-cases', t('failed', { msg: e.message }), 'error'); clear($('table-cases')); }
    },
    bulletins: {
      // the manager's region's latest weekly bulletins, whatever the filters; officers have none
      load: () => (state.me.roles.includes('manager') ? api('/bulletins?limit=10') : Promise.resolve(null)),
      render(data) {
        $('panel-bulletins').hidden = !data;
        if (!data) {
          return;
        }
        table('table-bulletins', [t('region'), t('week'), t('builtAt'), ''], data.items.map((b) => ({
          props: { dataset: { bulletinId: b.id, region: b.region } },
          cells: [
            b.regionName,
            b.weekStart + ' – ' + b.weekEnd,
            formatTime(b.builtAt),
            el('span', { className: 'actions' },
              el('button', { type: 'button', className: 'link', dataset: { download: 'pdf', bulletinId: b.id,
                name: 'bulletin-' + b.region + '-' + b.weekStart + '.pdf' } }, t('downloadPdf')),
              ' ',
              el('button', { type: 'button', className: 'link', dataset: { download: 'html', bulletinId: b.id,
                name: 'bulletin-' + b.region + '-' + b.weekStart + '.html' } }, t('downloadHtml')))
          ]
        })));
        note('note-bulletins', data.items.length ? '' : t('noBulletins'));
      },
      fail: (e) => unavailable('bulletins', e)
    },
    overdue: {
      load: (f) => api('/supervision/overdue?' + query({ department: f.department })),
      render(data) {
        table('table-overdue-departments', [t('department'), t('open'), t('yellow'), t('red')],
          data.departments.map((d) => ({
            props: { dataset: { department: d.department }, className: d.red > 0 ? 'warning-red' : '' },
            cells: [d.departmentName || departmentName(d.department), d.open, d.yellow, d.red]
          })));
        table('table-overdue', [t('applicationNumber'), t('item'), t('department'), t('deadline'), t('warning')],
          data.red.map((a) => ({
            props: { className: 'warning-red', dataset: { applicationId: a.id } },
            cells: [a.number || a.id, a.itemName, departmentName(a.department), a.deadline || '', t('w_' + a.warning)]
          })));
        note('note-overdue', t('asOf') + ' ' + data.asOf);
      },
      fail: (e) => {
        note('note-overdue', t('failed', { msg: e.message }), 'error');
        clear($('table-overdue-departments'));
        clear($('table-overdue'));
      }
    }
  };

  function kpi(id, raw, text) {
    const n = $(id);
    n.textContent = text;
    n.dataset.value = raw === null || raw === undefined ? '' : String(raw);
  }

  function formatTime(iso) {
    return new Intl.DateTimeFormat(state.lang, {
      timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit'
    }).format(new Date(iso));
  }

  function ranking(by, f) {
    return api('/stats/ratings/ranking?' + query({
      by, order: f.order, limit: 10, minSample: f.minSample, from: f.from, to: f.to,
      department: f.department, channel: f.channel
    }));
  }

  function renderRanking(panel, data) {
    const names = data.items.map((i) => i.groupName || i.group);
    horizontalBars('chart-' + panel, names,
      data.items.map((i) => (i.indicators.goodRate === null ? null : +(i.indicators.goodRate * 100).toFixed(1))), {
        name: t('goodRate'), color: data.order === 'best' ? '#2e7d32' : '#c62828', max: 100,
        axisFormat: '{value}%', labelFormat: '{c}%'
      });
    table('table-' + panel, [t('rank'), t('name'), t('ratings'), t('goodRate')],
      data.items.map((i, n) => ({
        props: { dataset: { group: i.group } },
        cells: [i.rank, names[n], i.indicators.active, pct(i.indicators.goodRate)]
      })));
    note('note-' + panel, (data.items.length ? '' : t('noData') + ' ') + t('rankNote', { n: data.minSample }));
  }

  function renderTrend(data) {
    const rows = data.rows.filter((r) => r.bucket).sort((a, b) => a.bucket.localeCompare(b.bucket));
    const byBucket = new Map(rows.map((r) => [r.bucket, r.indicators]));
    const buckets = bucketsOf(data.from, data.to, data.bucket);
    rows.forEach((r) => { if (!buckets.includes(r.bucket)) buckets.push(r.bucket); });
    buckets.sort();
    const volume = buckets.map((b) => (byBucket.has(b) ? byBucket.get(b).active : 0));
    const good = buckets.map((b) => {
      const rate = byBucket.has(b) ? byBucket.get(b).goodRate : null;
      return rate === null ? null : +(rate * 100).toFixed(1);
    });
    chart('chart-trend').setOption({
      animation: false,
      legend: { data: [t('volume'), t('goodRate')], top: 0 },
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      tooltip: TOOLTIP,
      xAxis: { type: 'category', data: buckets },
      yAxis: [
        { type: 'value', name: t('volume'), minInterval: 1 },
        { type: 'value', name: t('goodRate'), min: 0, max: 100, axisLabel: { formatter: '{value}%' } }
      ],
      series: [
        { type: 'bar', name: t('volume'), data: volume, itemStyle: { color: '#90caf9' } },
        { type: 'line', name: t('goodRate'), yAxisIndex: 1, data: good, itemStyle: { color: '#2e7d32' }, connectNulls: true }
      ]
    }, true);
    table('table-trend', [t('bucket'), t('volume'), t('goodRate')],
      rows.map((r) => ({ props: { dataset: { bucket: r.bucket } }, cells: [r.bucket, r.indicators.active, pct(r.indicators.goodRate)] })));
    const notes = [];
    if (!rows.length) {
      notes.push(t('noData'));
    }
    if (data.excluded > 0) {
      notes.push(t('excludedNote', { n: data.excluded }));
    }
    note('note-trend', notes.join(' '));
  }

  function renderLevels(data) {
    const levels = [1, 2, 3, 4, 5];
    const counts = levels.map((l) => data.totals.levels['level' + l]);
    chart('chart-levels').setOption({
      animation: false,
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      tooltip: TOOLTIP,
      xAxis: { type: 'category', data: levels.map((l) => t('level' + l)), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{
        type: 'bar', name: t('count'), label: { show: true, position: 'top' },
        data: counts.map((c, i) => ({ value: c, itemStyle: { color: LEVEL_COLORS[i] } }))
      }]
    }, true);
    table('table-levels', [t('level'), t('count')],
      levels.map((l, i) => ({ props: { dataset: { level: String(l) } }, cells: [l + ' ' + t('level' + l), counts[i]] })));
    note('note-levels', data.totals.active + data.totals.defaulted ? '' : t('noData'));
  }

  // ---- loading -------------------------------------------------------------------------------

  /** Loads every panel; only the latest round renders, so a slow answer never overwrites a newer one. */
  async function refresh() {
    if (!state.token) {
      return;
    }
    const f = filters();
    if (!f.from || !f.to || f.from > f.to) {
      return;
    }
    const generation = ++state.generation;
    $('status').textContent = t('loading');
    document.body.dataset.state = 'loading';
    await Promise.all(Object.entries(panels).map(async ([name, panel]) => {
      try {
        const data = await panel.load(f);
        if (generation === state.generation) {
          state.last[name] = data;
          panel.render(data);
        }
      } catch (e) {
        if (generation === state.generation) {
          delete state.last[name];
          panel.fail(e);
        }
      }
    }));
    if (generation === state.generation && state.token) {
      state.loads += 1;
      document.body.dataset.loads = String(state.loads);
      document.body.dataset.state = 'ready';
      state.loadedAt = new Date();
      showLoaded();
    }
  }

  function rerender() {
    Object.entries(panels).forEach(([name, panel]) => {
      if (state.last[name] !== undefined) {
        panel.render(state.last[name]);
      }
    });
  }

  // ---- a bulletin's page or PDF, fetched with the token and saved ----------------------------------

  /**
   * Saves a bulletin as a file: the page and the PDF need the bearer token, which a plain link
   * cannot carry, and a blob opened in a tab would fall under this page's policy (no inline style).
   */
  async function downloadBulletin(button) {
    const res = await fetch('/bulletins/' + button.dataset.bulletinId + '/' + button.dataset.download,
      { headers: { Authorization: 'Bearer ' + state.token }, cache: 'no-store' });
    if (!res.ok) {
      note('note-bulletins', t('failed', { msg: String(res.status) }), 'error');
      return;
    }
    const url = URL.createObjectURL(await res.blob());
    const a = el('a', { href: url, download: button.dataset.name, hidden: 'hidden' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  // ---- one case (the link of each row in the queue) -------------------------------------------

  async function openCaseFromHash() {
    const m = /^#case\/([0-9a-fA-F-]{36})$/.exec(location.hash);
    const dialog = $('case-dialog');
    if (!m || !state.token) {
      if (dialog.open) {
        dialog.close();
      }
      return;
    }
    const details = $('case-details');
    const steps = $('case-steps');
    clear(details);
    clear(steps);
    try {
      const c = await api('/rectification-cases/' + m[1]);
      const rows = [
        [t('applicationNumber'), c.applicationNumber],
        [t('department'), departmentName(c.department)],
        [t('state'), t('st_' + c.state)],
        [t('warning'), t('w_' + c.warning)],
        [t('verifyDue'), c.deadlines.verify.due],
        [t('replyDue'), c.deadlines.reply.due],
        [t('level'), c.rating.level + ' ' + t('level' + c.rating.level)],
        [t('channelCol'), t('ch_' + c.rating.channel)],
        [t('tags'), (c.rating.tags || []).join(', ') || t('none')],
        [t('comment'), c.rating.comment || t('none')],
        [t('openedAt'), formatTime(c.openedAt)],
        [t('claimedBy'), c.claimedByName || c.claimedBy || t('none')],
        [t('verification'), c.verification ? c.verification.finding + ' · ' + c.verification.contact.note : t('none')],
        [t('rectification'), c.rectification ? c.rectification.measures : t('none')],
        [t('reply'), c.reply ? c.reply.text : t('none')],
        [t('followUp'), c.followUp ? c.followUp.satisfaction : t('none')],
        [t('appeal'), c.appealState],
        [t('escalated'), c.escalatedAt ? formatTime(c.escalatedAt) : t('none')]
      ];
      rows.forEach(([k, v]) => details.append(el('dt', {}, k), el('dd', {}, v)));
      dialog.className = 'warning-' + c.warning;
      if (!dialog.open) {
        dialog.showModal();
      }
    } catch (e) {
      details.append(el('dd', { className: 'error' }, t('failed', { msg: e.message })));
      if (!dialog.open) {
        dialog.showModal();
      }
    }
  }

  // ---- wiring --------------------------------------------------------------------------------

  function start() {
    const p = new URLSearchParams(location.search);
    state.lang = p.get('lang') === 'en' || (!p.get('lang') && localStorage.getItem(LANG_KEY) === 'en') ? 'en' : 'zh-CN';
    applyLanguage();

    $('sign-in-form').addEventListener('submit', (e) => {
      e.preventDefault();
      signIn($('token').value);
    });
    $('demo-manager').addEventListener('click', signInAsDemoManager);
    $('sign-out').addEventListener('click', () => signOut(''));
    $('table-bulletins').addEventListener('click', (e) => {
      const button = e.target.closest('button[data-download]');
      if (button) {
        downloadBulletin(button);
      }
    });
    $('lang').addEventListener('click', () => {
      state.lang = state.lang === 'zh-CN' ? 'en' : 'zh-CN';
      localStorage.setItem(LANG_KEY, state.lang);
      applyLanguage();
      showWho();
      showLoaded();
      if (state.token) {
        filters();
        rerender();
      }
    });
    $('period').addEventListener('change', () => {
      if ($('period').value !== 'custom') {
        const range = periodRange($('period').value);
        $('from').value = range.from;
        $('to').value = range.to;
      }
      refresh();
    });
    ['from', 'to'].forEach((id) => $(id).addEventListener('change', () => {
      $('period').value = 'custom';
      refresh();
    }));
    ['department', 'channel', 'min-sample', 'rank-order'].forEach((id) => $(id).addEventListener('change', refresh));
    $('filters').addEventListener('submit', (e) => e.preventDefault());
    window.addEventListener('hashchange', openCaseFromHash);
    $('case-dialog').addEventListener('close', () => {
      if (location.hash) {
        history.replaceState(null, '', location.pathname + location.search);
      }
    });
    window.addEventListener('resize', () => Object.values(state.charts).forEach((c) => c.resize()));

    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) {
      signIn(saved).then(() => {
        if (!state.token) {
          signOut(t('expired'));
        }
      });
    } else {
      signOut('');
    }
  }

  start();
})();

// The rating link's page: the token is after '#', so it never reaches a server log or a Referer.
'use strict';

const TEXT = {
  'zh-CN': {
    title: '服务评价', otherLanguage: 'English', loading: '正在加载…', item: '事项', department: '部门',
    completedOn: '办结日期', acceptedOn: '受理日期', applicant: '申请人', howWasIt: '您对本次服务满意吗？',
    reasons: '请选择原因', comment: '意见建议（选填）', submit: '提交评价', until: '评价截止', thanks: '感谢您的评价',
    thanksText: '您的评价已收到。', contact: '我们很抱歉这次服务没有让您满意。{department}将在 {date} 前与您联系核实情况。',
    needReason: '请至少选择一个原因。', failed: '提交没有成功，请稍后再试。',
    levels: { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' },
    replyTitle: '部门的答复', repliedOn: '答复日期', followUpUntil: '追评截止', followUpQuestion: '您对部门的答复和整改满意吗？',
    submitFollowUp: '提交追评', followUpThanks: '您的追评已收到，感谢您帮助我们改进服务。',
    satisfactions: { satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' },
    problems: {
      'rating-link-used': ['已经评价过了', '这项服务已经评价过，评价不能修改。感谢您的参与。'],
      'rating-link-expired': ['链接已过期', '评价期限已过，这个链接不能再使用。'],
      'rating-link-revoked': ['链接已失效', '这个评价链接已被收回。如有疑问，请联系办理部门。'],
      'rating-link-unknown': ['链接无效', '无法识别这个链接，请确认打开的是完整的评价链接。'],
      'too-many-requests': ['请稍后再试', '提交太频繁了，请稍后再试。'],
      other: ['暂时无法评价', '请稍后再试。']
    }
  },
  en: {
    title: 'Rate the service', otherLanguage: '中文', loading: 'Loading…', item: 'Service', department: 'Department',
    completedOn: 'Completed on', acceptedOn: 'Accepted on', applicant: 'Applicant', howWasIt: 'How satisfied were you?',
    reasons: 'What went wrong?', comment: 'Comments (optional)', submit: 'Submit', until: 'Rate until',
    thanks: 'Thank you', thanksText: 'Your rating has been received.',
    contact: 'We are sorry the service fell short. {department} will contact you by {date} to look into it.',
    needReason: 'Please choose at least one reason.', failed: 'That did not go through; please try again later.',
    levels: { 5: 'Very satisfied', 4: 'Satisfied', 3: 'Fair', 2: 'Dissatisfied', 1: 'Very dissatisfied' },
    replyTitle: "The department's reply", repliedOn: 'Replied on', followUpUntil: 'Follow up until',
    followUpQuestion: 'Are you satisfied with how the department answered and put things right?',
    submitFollowUp: 'Submit', followUpThanks: 'Your follow-up has been received. Thank you for helping us improve.',
    satisfactions: { satisfied: 'Satisfied', basically_satisfied: 'Partly satisfied', dissatisfied: 'Not satisfied' },
    problems: {
      'rating-link-used': ['Already rated', 'This service was rated already; a rating cannot be changed. Thank you.'],
      'rating-link-expired': ['Link expired', 'The time to rate this service has passed.'],
      'rating-link-revoked': ['Link withdrawn', 'This rating link was withdrawn. Ask the department if in doubt.'],
      'rating-link-unknown': ['Link not recognised', 'Please check that you opened the whole link.'],
      'too-many-requests': ['Please wait', 'Too many attempts; please try again in a moment.'],
      other: ['Rating unavailable', 'Please try again later.']
    }
  }
};
const token = location.hash.slice(1);
// Chinese first, whatever the phone's language; English on a tap
let lang = 'zh-CN';
let view = null;
// the level chosen (1-5), or for a follow-up link the satisfaction
let level = null;
let problem = null;
let result = null;

const $ = (id) => document.getElementById(id);
const t = () => TEXT[lang];

function show(id) {
  for (const s of ['loading', 'message', 'form', 'thanks']) {
    $(s).hidden = s !== id;
  }
}

function render() {
  document.documentElement.lang = lang;
  document.title = t().title;
  document.querySelectorAll('[data-t]').forEach((e) => { e.textContent = t()[e.dataset.t]; });
  if (problem) {
    const [title, text] = t().problems[problem] || t().problems.other;
    $('message-title').textContent = title;
    $('message-text').textContent = text;
    show('message');
  } else if (result && followingUp()) {
    $('thanks-text').textContent = t().followUpThanks;
    show('thanks');
  } else if (result) {
    $('thanks-text').textContent = result.poor && result.contactBy
      ? t().contact.replace('{department}', view.departmentName).replace('{date}', result.contactBy)
      : t().thanksText;
    show('thanks');
  } else if (view) {
    renderForm();
    show('form');
  }
}

// a link sent with the department's reply to a 差评 takes the follow-up (追评), not a rating
function followingUp() {
  return view && view.purpose === 'follow_up';
}

function choice(value, label) {
  const b = document.createElement('button');
  b.type = 'button';
  b.dataset.level = String(value);
  b.textContent = label;
  b.setAttribute('aria-pressed', String(level === value));
  b.addEventListener('click', () => { level = value; renderForm(); });
  return b;
}

function renderForm() {
  $('item').textContent = view.itemName;
  $('department').textContent = view.departmentName;
  $('reached-label').textContent = view.stage === 'accepted' ? t().acceptedOn : t().completedOn;
  $('reached').textContent = view.reachedOn;
  $('applicant').textContent = view.applicantName || '—';
  // the time of the service's province, whatever the phone's zone
  $('until').textContent = new Date(view.expiresAt).toLocaleString(lang, { timeZone: 'Asia/Shanghai' });
  $('reply-box').hidden = !followingUp();
  if (followingUp()) {
    $('reply-text').textContent = view.reply.text;
    $('replied-on').textContent = view.reply.repliedOn;
    $('question').textContent = t().followUpQuestion;
    $('submit').textContent = t().submitFollowUp;
    $('until-label').textContent = t().followUpUntil;
    $('levels').replaceChildren(...Object.entries(t().satisfactions).map(([value, label]) => choice(value, label)));
    $('tags-box').hidden = true;
    $('submit').disabled = level === null;
    return;
  }
  $('levels').replaceChildren(...[5, 4, 3, 2, 1].map((l) => choice(l, t().levels[l])));
  const chosen = new Set([...document.querySelectorAll('#tags input:checked')].map((i) => i.value));
  const offered = level === null ? [] : view.dictionary.tags.filter((tag) => tag.levels.includes(level));
  $('tags').replaceChildren(...offered.map((tag) => {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = tag.code;
    box.checked = chosen.has(tag.code);
    box.addEventListener('change', () => { $('error').hidden = true; });
    label.append(box, ' ', tag.label[lang] || tag.label['zh-CN'] || tag.code);
    return label;
  }));
  $('tags-box').hidden = offered.length === 0;
  $('submit').disabled = level === null;
}

async function problemOf(response) {
  try {
    const body = await response.json();
    return String(body.type || '').split('/').pop() || 'other';
  } catch (e) {
    return 'other';
  }
}

async function load() {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) {
    problem = 'rating-link-unknown';
    return render();
  }
  const response = await fetch('/public/rating-links/' + token, { headers: { Accept: 'application/json' } });
  if (response.ok) {
    view = await response.json();
  } else {
    problem = await problemOf(response);
  }
  render();
}

async function submit(event) {
  event.preventDefault();
  if (followingUp()) {
    const comment = $('comment').value.trim();
    return send('/follow-up', comment ? { satisfaction: level, comment } : { satisfaction: level });
  }
  const tags = [...document.querySelectorAll('#tags input:checked')].map((i) => i.value);
  // the province's rule, as the server gives it: a 差评 names its reason
  if (level <= view.reasonRequiredUpTo && tags.length === 0) {
    $('error').textContent = t().needReason;
    $('error').hidden = false;
    return;
  }
  $('error').hidden = true;
  const body = { level, tags, dictionaryVersion: view.dictionary.version };
  const comment = $('comment').value.trim();
  if (comment) {
    body.comment = comment;
  }
  return send('/rating', body);
}

async function send(path, body) {
  $('submit').disabled = true;
  try {
    const response = await fetch('/public/rating-links/' + token + path, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body)
    });
    if (response.ok) {
      result = await response.json();
    } else {
      problem = await problemOf(response);
    }
    render();
  } catch (e) {
    $('error').textContent = t().failed;
    $('error').hidden = false;
    $('submit').disabled = false;
  }
}

// another link pasted into the same tab: start over with it
window.addEventListener('hashchange', () => location.reload());

document.addEventListener('DOMContentLoaded', () => {
  $('lang').addEventListener('click', () => { lang = lang === 'en' ? 'zh-CN' : 'en'; render(); });
  $('form').addEventListener('submit', submit);
  load();
});

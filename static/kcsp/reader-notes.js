// The member's private notes in the pack reader: highlights drawn on the pages, the notes listed in the side
// panel, and the form to write, change or delete one (JSON API meetings:pack_notes_api, meetings:note_api).
//
// Starts on `kcsp:reader-ready` (static/kcsp/reader.js). Reads its addresses from #kcsp-reader:
// data-notes-url, data-note-url (one note's address with id 0), data-my-notes-url.
import { highlightsDraw, pageLines, selectionRead } from './reader-highlights.js'
import './reader-offline.js'

const state = { notes: [], missing: new Set(), selection: null, detail: null, urls: {}, offline: false }

function h (tag, attributes = {}, ...children) {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue
    if (name === 'text') element.textContent = value
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value)
    else element.setAttribute(name, value === true ? '' : value)
  }
  element.append(...children.filter(child => child !== null && child !== undefined && child !== false))
  return element
}

function csrfToken () {
  const given = document.getElementById('kcsp-reader')?.dataset.csrf
  if (given) return given
  const field = document.querySelector('[name=csrfmiddlewaretoken]')
  if (field) return field.value
  const cookie = document.cookie.split('; ').find(part => part.startsWith('csrftoken='))
  return cookie ? decodeURIComponent(cookie.slice('csrftoken='.length)) : ''
}

// POST JSON; answers {status, body} (body null when the answer is not JSON), or {status: 0} when offline.
async function send (url, payload) {
  try {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken(), Accept: 'application/json' },
      body: JSON.stringify(payload || {}),
    })
    const body = await response.json().catch(() => null)
    return { status: response.status, body }
  } catch (error) {
    return { status: 0, body: null }
  }
}

function noteUrl (id, suffix = '') {
  return state.urls.note.replace(/\/0\/$/, `/${id}/`) + suffix
}

const FIELD_NAMES = { note: 'Your note', quote: 'The highlighted text', page: 'The page' }

function errorMessages (result) {
  if (result.status === 0) return [['', 'Your note could not be saved because you are offline. Try again when you are online.']]
  const errors = result.body && result.body.errors
  if (errors) return Object.entries(errors).flatMap(([field, messages]) => messages.map(message => [field, message]))
  if (result.status === 404) return [['', 'This note or pack is no longer available to you.']]
  return [['', 'Your note could not be saved. Try again.']]
}

// ---- the panel ---------------------------------------------------------------------------------------------

function panel () {
  return document.getElementById('reader-notes-panel')
}

function status (message) {
  const region = document.getElementById('kcsp-notes-status')
  if (region) region.textContent = message
}

function pageLabel (note) {
  return note.page_label ? `Page ${note.page_label}` : 'Not in this pack'
}

function goTo (page) {
  const { viewer, linkService } = state.detail
  if (viewer && viewer.scrollPageIntoView) viewer.scrollPageIntoView({ pageNumber: page })
  else if (linkService) linkService.goToPage(page)
}

// What tells a note apart from others on the same page, for screen readers: its quote's first words.
function quoteStart (note) {
  const words = note.quote.split(/\s+/).filter(Boolean)
  return words.length > 8 ? `${words.slice(0, 8).join(' ')}…` : words.join(' ')
}

function noteItem (note) {
  const named = ` note on ${pageLabel(note).toLowerCase()}, “${quoteStart(note)}”`
  const item = h('li', { class: 'kcsp-note', id: `kcsp-note-${note.id}`, 'data-note-id': note.id })
  const heading = h('h3', { class: 'govuk-heading-s kcsp-note__page' },
    note.page ? h('button', { type: 'button', class: 'kcsp-link-button', onclick: () => goTo(note.page), text: pageLabel(note) }) : pageLabel(note))
  item.append(heading)
  if (note.changed) item.append(h('strong', { class: 'govuk-tag govuk-tag--yellow kcsp-note__changed', text: 'Paper changed since you wrote this' }))
  if (state.missing.has(note.id)) item.append(h('p', { class: 'govuk-body-s kcsp-note__missing', text: 'We could not find the highlighted text on this page' }))
  item.append(h('blockquote', { class: 'kcsp-note__quote', text: note.quote }))
  if (note.note) item.append(h('p', { class: 'govuk-body-s kcsp-note__text', text: note.note }))
  item.append(h('div', { class: 'govuk-button-group kcsp-note__actions' },
    h('button', { type: 'button', class: 'govuk-button govuk-button--secondary kcsp-button--small', onclick: () => editOpen(note), text: 'Edit' },
      h('span', { class: 'govuk-visually-hidden', text: named })),
    h('button', { type: 'button', class: 'govuk-button govuk-button--warning kcsp-button--small', onclick: () => deleteConfirm(note, item), text: 'Delete' },
      h('span', { class: 'govuk-visually-hidden', text: named }))))
  return item
}

// Only the notes on papers in this pack (page not null); the meeting's others are in "All my notes".
function listDraw () {
  const list = document.getElementById('kcsp-notes-list')
  if (!list) return
  const notes = state.notes.filter(note => note.page).sort((a, b) => a.page - b.page || a.id - b.id)
  list.replaceChildren(...notes.map(noteItem))
  list.hidden = state.offline
  document.getElementById('kcsp-notes-empty').hidden = notes.length > 0 || state.offline
  const elsewhere = state.notes.length - notes.length
  const other = document.getElementById('kcsp-notes-elsewhere')
  other.hidden = !elsewhere || state.offline
  other.textContent = elsewhere === 1
    ? 'You have 1 note on a paper of this meeting that is not in this pack: it is in All my notes.'
    : `You have ${elsewhere} notes on papers of this meeting that are not in this pack: they are in All my notes.`
}

function panelDraw () {
  const root = panel()
  if (!root) return
  root.replaceChildren(
    h('h2', { class: 'govuk-heading-s', id: 'kcsp-notes-heading', text: 'Your notes' }),
    h('p', { class: 'govuk-hint', text: 'Only you can see your notes.' }),
    h('div', { id: 'kcsp-notes-form-slot' }),
    h('p', { class: 'govuk-body-s', id: 'kcsp-notes-status', role: 'status', 'aria-live': 'polite' }),
    h('p', { class: 'govuk-body-s', id: 'kcsp-notes-empty', text: 'You have no notes in this pack yet. Select text on a page, then choose “Highlight and add a note”, or choose “Add a note to this page”.' }),
    h('p', { class: 'govuk-body-s', id: 'kcsp-notes-elsewhere', hidden: true }),
    h('ol', { class: 'govuk-list kcsp-notes', id: 'kcsp-notes-list', 'aria-labelledby': 'kcsp-notes-heading' }),
    state.urls.myNotes ? h('p', { class: 'govuk-body' }, h('a', { class: 'govuk-link', href: state.urls.myNotes, text: 'All my notes' })) : null,
  )
  listDraw()
}

// ---- the form: new note or edit ----------------------------------------------------------------------------

function errorSummary (messages, fieldId) {
  return h('div', { class: 'govuk-error-summary', tabindex: '-1' },
    h('div', { role: 'alert' },
      h('h2', { class: 'govuk-error-summary__title', text: 'There is a problem' }),
      h('div', { class: 'govuk-error-summary__body' },
        h('ul', { class: 'govuk-list govuk-error-summary__list' },
          ...messages.map(([field, message]) => h('li', {}, field === 'note' ? h('a', { href: `#${fieldId}`, text: message }) : message))))))
}

// The side panel is folded away on a phone (reader.js): a form or problem shown in it unfolds it.
function panelUnfold () {
  const details = document.getElementById('reader-panel')
  if (details) details.open = true
}

// A choice of the page's lines, for those who cannot select with a mouse: a labelled select.
function lineChoice (lines, page) {
  const select = h('select', { class: 'govuk-select kcsp-note-form__line', id: 'kcsp-note-line', name: 'quote', 'aria-describedby': 'kcsp-note-line-hint' },
    ...lines.map((line, index) => h('option', { value: String(index), text: line.quote })))
  const group = h('div', { class: 'govuk-form-group' },
    h('label', { class: 'govuk-label govuk-label--s', for: 'kcsp-note-line', text: 'Text to highlight' }),
    h('div', { class: 'govuk-hint', id: 'kcsp-note-line-hint', text: `The line of page ${page} your note is about. It is highlighted when you save.` }),
    select)
  return { group, select }
}

// A labelled form in the side panel. `save(text, line)` answers the API result (`line`: the index chosen among
// `lines`, when the form offers them in place of a quote); on success `done(body)`.
function formOpen ({ title, quote, lines, page, text = '', submit, save, done }) {
  panelUnfold()
  const slot = document.getElementById('kcsp-notes-form-slot')
  const fieldId = 'kcsp-note-text'
  const textarea = h('textarea', { class: 'govuk-textarea', id: fieldId, name: 'note', rows: '4', 'aria-describedby': `${fieldId}-hint` })
  textarea.value = text
  const group = h('div', { class: 'govuk-form-group' },
    h('label', { class: 'govuk-label govuk-label--s', for: fieldId, text: 'Your note' }),
    h('div', { class: 'govuk-hint', id: `${fieldId}-hint`, text: 'Optional. Up to 5,000 characters. Only you can see it.' }),
    textarea)
  const close = () => slot.replaceChildren()
  const choice = lines ? lineChoice(lines, page) : null
  const form = h('form', { class: 'kcsp-note-form', novalidate: true, 'aria-labelledby': 'kcsp-note-form-title' },
    h('h3', { class: 'govuk-heading-s', id: 'kcsp-note-form-title', text: title }),
    choice ? choice.group : h('blockquote', { class: 'kcsp-note__quote', text: quote }),
    group,
    h('div', { class: 'govuk-button-group' },
      h('button', { type: 'submit', class: 'govuk-button', text: submit }),
      h('button', { type: 'button', class: 'govuk-button govuk-button--secondary', onclick: close, text: 'Cancel' })))
  form.addEventListener('submit', async event => {
    event.preventDefault()
    const button = form.querySelector('[type=submit]')
    button.disabled = true
    const result = await save(textarea.value, choice ? Number(choice.select.value) : null)
    button.disabled = false
    form.querySelector('.govuk-error-summary')?.remove()
    group.classList.remove('govuk-form-group--error')
    textarea.classList.remove('govuk-textarea--error')
    group.querySelector('.govuk-error-message')?.remove()
    if (result.status >= 200 && result.status < 300) {
      close()
      done(result.body)
      return
    }
    const messages = errorMessages(result)
    const summary = errorSummary(messages, fieldId)
    form.prepend(summary)
    const noteErrors = messages.filter(([field]) => field === 'note')
    if (noteErrors.length) {
      group.classList.add('govuk-form-group--error')
      textarea.classList.add('govuk-textarea--error')
      textarea.setAttribute('aria-describedby', `${fieldId}-hint ${fieldId}-error`)
      textarea.before(h('p', { class: 'govuk-error-message', id: `${fieldId}-error` },
        h('span', { class: 'govuk-visually-hidden', text: 'Error: ' }), noteErrors[0][1]))
    }
    summary.focus()
  })
  slot.replaceChildren(form)
  ;(choice ? choice.select : textarea).focus()
  return form
}

function problemShow (message) {
  panelUnfold()
  const slot = document.getElementById('kcsp-notes-form-slot')
  const summary = errorSummary([['', message]])
  slot.replaceChildren(summary)
  summary.focus()
}

function noteAdded (body) {
  state.notes.push(body.note)
  state.selection = null
  window.getSelection()?.removeAllRanges()
  listDraw()
  pageRedraw(body.note.page)
  status(`Note saved on ${pageLabel(body.note).toLowerCase()}.`)
  document.getElementById(`kcsp-note-${body.note.id}`)?.querySelector('button')?.focus()
}

function addOpen () {
  const chosen = selectionRead(window.getSelection()) || state.selection
  state.selection = null
  if (!chosen) return problemShow('Select some text on a page first, then choose “Highlight and add a note”, or choose “Add a note to this page”')
  if (chosen.error) return problemShow(chosen.error)
  formOpen({
    title: 'Add a note',
    quote: chosen.quote,
    submit: 'Save note',
    save: text => send(state.urls.notes, { ...chosen, note: text }),
    done: noteAdded,
  })
}

// "Add a note to this page": for keyboard users, the line to highlight chosen from a list of the page's lines.
async function pageNoteOpen () {
  const { viewer } = state.detail
  const page = viewer.currentPageNumber
  const label = (state.detail.labels && state.detail.labels[page - 1]) || String(page)
  const lines = await pageLines(state.detail.pdfDocument, page).catch(() => [])
  if (!lines.length) return problemShow(`Page ${label} has no text to highlight. Go to a page of a paper, then choose “Add a note to this page”`)
  formOpen({
    title: `Add a note to page ${label}`,
    lines,
    page: label,
    submit: 'Save note',
    save: (text, index) => send(state.urls.notes, { ...lines[index], note: text }),
    done: noteAdded,
  })
}

function editOpen (note) {
  formOpen({
    title: `Change your note on ${pageLabel(note).toLowerCase()}`,
    quote: note.quote,
    text: note.note,
    submit: 'Save note',
    save: text => send(noteUrl(note.id), { note: text }),
    done: body => {
      // The answer places the note in whichever pack holds its paper: keep this pack's page, take the rest.
      const { note: text, changed, updated_at: updatedAt } = (body && body.note) || note
      state.notes = state.notes.map(each => (each.id === note.id ? { ...each, note: text, changed, updated_at: updatedAt } : each))
      listDraw()
      status('Note saved.')
      document.getElementById(`kcsp-note-${note.id}`)?.querySelector('button')?.focus()
    },
  })
}

function deleteConfirm (note, item) {
  item.querySelector('.kcsp-note__confirm')?.remove()
  const cancel = h('button', { type: 'button', class: 'govuk-button govuk-button--secondary kcsp-button--small', text: 'Cancel' })
  const yes = h('button', { type: 'button', class: 'govuk-button govuk-button--warning kcsp-button--small', text: 'Yes, delete this note' })
  const confirm = h('div', { class: 'kcsp-note__confirm', role: 'group', 'aria-label': 'Confirm deletion' },
    h('p', { class: 'govuk-body-s govuk-!-font-weight-bold', text: 'Delete this note? You cannot undo this.' }),
    h('div', { class: 'govuk-button-group' }, yes, cancel))
  cancel.addEventListener('click', () => {
    confirm.remove()
    item.querySelector('.kcsp-note__actions button:last-child')?.focus()
  })
  yes.addEventListener('click', async () => {
    yes.disabled = true
    const result = await send(noteUrl(note.id, 'delete/'), {})
    if (result.status >= 200 && result.status < 300) {
      state.notes = state.notes.filter(each => each.id !== note.id)
      listDraw()
      pageRedraw(note.page)
      status('Note deleted.')
      document.getElementById('kcsp-notes-heading')?.focus()
      return
    }
    yes.disabled = false
    confirm.prepend(errorSummary(errorMessages(result)))
  })
  item.append(confirm)
  yes.focus()
}

// ---- highlights on the pages -------------------------------------------------------------------------------

function pageRedraw (page) {
  if (!page) return
  const pageDiv = document.querySelector(`.page[data-page-number="${page}"]`)
  const textLayer = pageDiv?.querySelector('.textLayer')
  if (!textLayer || !textLayer.textContent.trim()) return
  const notes = state.notes.filter(note => note.page === page)
  const missing = highlightsDraw(pageDiv, textLayer, notes)
  let changed = false
  for (const note of notes) {
    const lost = missing.includes(note.id)
    if (lost !== state.missing.has(note.id)) {
      changed = true
      if (lost) state.missing.add(note.id)
      else state.missing.delete(note.id)
    }
  }
  if (changed) listDraw()
}

function allRedraw () {
  for (const page of new Set(state.notes.map(note => note.page))) pageRedraw(page)
}

async function notesLoad () {
  state.offline = false
  try {
    const response = await fetch(state.urls.notes, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    if (!response.ok) throw new Error(String(response.status))
    const body = await response.json()
    state.notes = body.notes || []
    listDraw()
    allRedraw()
    document.dispatchEvent(new CustomEvent('kcsp:notes-loaded', { detail: body }))
  } catch (error) {
    state.offline = !navigator.onLine
    listDraw() // offline: the message alone, not also "no notes yet"
    status(state.offline ? 'Your notes are not available while you are offline.' : 'Your notes could not be loaded. Reload the page to try again.')
  }
}

// Writing a note needs the server: its buttons are off while offline, and the notes come back when online.
function onlineShow () {
  for (const button of document.querySelectorAll('.kcsp-note-tool')) button.disabled = !navigator.onLine
  if (navigator.onLine && state.offline) {
    status('')
    notesLoad()
  }
}

function toolsDraw () {
  const tools = document.getElementById('reader-note-tools')
  if (!tools) return
  const tool = 'govuk-button govuk-button--secondary kcsp-reader__tool kcsp-note-tool'
  const button = h('button', { type: 'button', class: tool, id: 'kcsp-note-add', 'aria-controls': 'reader-notes-panel', text: 'Highlight and add a note' })
  // Keep the last selection in a page's text: pressing the button may clear the selection in some browsers.
  button.addEventListener('pointerdown', () => { state.selection = selectionRead(window.getSelection()) })
  button.addEventListener('click', addOpen)
  const page = h('button', { type: 'button', class: tool, id: 'kcsp-note-page', 'aria-controls': 'reader-notes-panel', onclick: pageNoteOpen, text: 'Add a note to this page' })
  tools.append(button, page)
  window.addEventListener('online', onlineShow)
  window.addEventListener('offline', onlineShow)
  onlineShow()
}

document.addEventListener('kcsp:reader-ready', event => {
  const reader = document.getElementById('kcsp-reader')
  if (!reader || !reader.dataset.notesUrl) return
  state.detail = event.detail || {}
  state.urls = { notes: reader.dataset.notesUrl, note: reader.dataset.noteUrl, myNotes: reader.dataset.myNotesUrl }
  panelDraw()
  toolsDraw()
  const { eventBus } = state.detail
  if (eventBus) eventBus.on('textlayerrendered', ({ pageNumber }) => pageRedraw(pageNumber))
  notesLoad()
})

// The offline reader: keeps the public packs a member chose to save, and nothing else.
//
// Served at /reader-sw.js (meetings:reader_service_worker) so its scope is the whole site, but it only ever answers
// for URLs it has saved; every other request goes to the network untouched. Rules (issue 17):
// - It stores only responses that say `X-Pack-Public: 1` and carry no `no-store`: public and supplementary packs'
//   reader pages and reader.pdf. Restricted and DHR packs are never stored, whatever the page asks.
// - Static files (/static/…) the saved reader page needs are stored with it; they are the same for everyone.
// - Online, a saved URL is revalidated on every use (If-None-Match with the saved ETag): 304 serves the saved copy,
//   200 replaces it, 404 or 410 (the pack was withdrawn) drops the pack's saved copy.
// - Offline, the saved copy is served; a Range request (PDF.js reads the PDF in ranges) is answered 206 from it.

const CACHE = 'kcsp-offline-v1'
const PACK_PATH = /^\/meetings\/\d+\/packs\/[a-z_]+\/(read\/|reader\.pdf)$/
const GONE = new Set([404, 410])
const REVALIDATE_MS = 5000 // PDF.js asks for many ranges at once: one revalidation serves them all

const recent = new Map() // url -> {at, promise} of the latest revalidation

self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()))

function packPrefix (url) {
  const path = new URL(url).pathname
  return PACK_PATH.test(path) ? path.replace(/[^/]+\/?$/, '') : null
}

// May this response be kept? Only a public pack's page or file, never anything marked no-store.
function storable (response, url) {
  if (!response || response.status !== 200 || response.redirected || response.type !== 'basic') return false
  const path = new URL(url).pathname
  if (path.startsWith('/static/')) return true
  const cacheControl = (response.headers.get('Cache-Control') || '').toLowerCase()
  return PACK_PATH.test(path) && response.headers.get('X-Pack-Public') === '1' && !cacheControl.includes('no-store')
}

function plainUrl (url) {
  const parsed = new URL(url, self.location.origin)
  parsed.hash = ''
  return parsed.href
}

async function packDrop (url) {
  const prefix = packPrefix(url)
  if (!prefix) return
  const cache = await caches.open(CACHE)
  for (const request of await cache.keys()) {
    if (new URL(request.url).pathname.startsWith(prefix)) await cache.delete(request)
  }
}

// Fetch `url` whole (no Range) and keep it if the rules allow. Answers {url, saved, status}.
async function save (url) {
  url = plainUrl(url)
  if (new URL(url).origin !== self.location.origin) return { url, saved: false, status: 0 }
  let response
  try {
    response = await fetch(url, { credentials: 'same-origin', cache: 'no-store' })
  } catch (error) {
    return { url, saved: false, status: 0 }
  }
  if (GONE.has(response.status)) await packDrop(url)
  if (!storable(response, url)) return { url, saved: false, status: response.status }
  await (await caches.open(CACHE)).put(url, response)
  return { url, saved: true, status: 200 }
}

// The saved copy, brought up to date when the network answers: [response to use, whether the network answered].
async function revalidated (url, saved) {
  const cache = await caches.open(CACHE)
  const headers = {}
  const etag = saved.headers.get('ETag')
  if (etag) headers['If-None-Match'] = etag
  let response
  try {
    response = await fetch(url, { credentials: 'same-origin', cache: 'no-store', headers })
  } catch (error) {
    return [saved, false] // offline: the saved copy
  }
  if (response.status === 304) return [saved, true]
  if (GONE.has(response.status)) {
    await packDrop(url)
    return [response, true]
  }
  if (storable(response, url)) await cache.put(url, response.clone())
  return [response, true] // a new copy; or an error or sign-in page, shown as it is, the saved copy kept
}

// PDF.js asks for many ranges of the file in a row: one answer from the network serves them for a few seconds.
// Pages are always asked again, and an offline answer is never reused, so coming back online is seen at once.
async function revalidate (request, url, saved) {
  const last = recent.get(url)
  if (request.mode !== 'navigate' && last && Date.now() - last.at < REVALIDATE_MS) return last.promise
  const promise = revalidated(url, saved).then(([response, online]) => {
    if (!online && recent.get(url)?.promise === promise) recent.delete(url)
    return response
  })
  recent.set(url, { at: Date.now(), promise })
  setTimeout(() => recent.get(url)?.promise === promise && recent.delete(url), REVALIDATE_MS)
  return promise
}

// A 206 for `range` ("bytes=a-b", "bytes=a-", "bytes=-n") built from a whole saved response.
async function partial (response, range) {
  const body = await response.clone().arrayBuffer()
  const size = body.byteLength
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim())
  let start
  let end
  if (match && match[1] !== '') {
    start = Number(match[1])
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  } else if (match && match[2] !== '') {
    start = Math.max(size - Number(match[2]), 0)
    end = size - 1
  }
  if (start === undefined || start > end || start >= size) {
    return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${size}` } })
  }
  const headers = new Headers(response.headers)
  headers.set('Content-Range', `bytes ${start}-${end}/${size}`)
  headers.set('Content-Length', String(end - start + 1))
  return new Response(body.slice(start, end + 1), { status: 206, headers })
}

async function answer (request) {
  const url = plainUrl(request.url)
  const saved = await (await caches.open(CACHE)).match(url)
  if (!saved) return fetch(request)
  const response = await revalidate(request, url, saved)
  if (!response.ok) return response.clone()
  const range = request.headers.get('Range')
  return range ? partial(response, range) : response.clone()
}

self.addEventListener('fetch', event => {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return
  if (!PACK_PATH.test(url.pathname) && !url.pathname.startsWith('/static/')) return
  event.respondWith(answer(request))
})

// Save a pack: its reader page and reader.pdf first; only when both were public and stored, the static files
// (`assets`) the page needs. Anything refused leaves nothing of the pack behind. Answers {saved, results}.
async function packSave (pack, assets) {
  const results = []
  for (const url of pack) results.push(await save(url))
  const saved = results.length > 0 && results.every(result => result.saved)
  if (!saved) {
    for (const url of pack) await packDrop(plainUrl(url))
    return { saved, results }
  }
  for (const url of assets) {
    if (new URL(url, self.location.origin).pathname.startsWith('/static/')) results.push(await save(url))
  }
  return { saved, results }
}

// The reader page asks: {type: 'save', pack: [page, pdf], assets: [...]} to save a pack, {type: 'drop', url} to forget one,
// {type: 'saved', url} whether one is saved. Answers on the message's port.
self.addEventListener('message', event => {
  const port = event.ports[0]
  const data = event.data || {}
  const reply = value => port && port.postMessage(value)
  if (data.type === 'save') {
    event.waitUntil(packSave(data.pack || [], data.assets || []).then(reply))
  } else if (data.type === 'drop') {
    event.waitUntil(packDrop(plainUrl(data.url)).then(() => reply({ dropped: true })))
  } else if (data.type === 'saved') {
    event.waitUntil(caches.open(CACHE).then(cache => cache.match(plainUrl(data.url))).then(hit => reply({ saved: !!hit })))
  }
})

// "Save for offline reading" on the reader of a public or supplementary pack (static/kcsp/reader-sw.js keeps it).
//
// #kcsp-reader carries data-offline="1" only on packs anyone may read, data-sw-url (the worker's address) and
// data-file-url (the reader's PDF). The worker itself refuses anything not marked public by the server, so a
// wrong attribute can never put a restricted pack in the browser's storage.

function reader () {
  return document.getElementById('kcsp-reader')
}

async function worker () {
  const registration = await navigator.serviceWorker.ready
  return registration.active
}

async function ask (message) {
  const active = await worker()
  return new Promise(resolve => {
    const channel = new MessageChannel()
    channel.port1.onmessage = event => resolve(event.data)
    active.postMessage(message, [channel.port2])
  })
}

// The static files this page loaded (its styles, scripts, PDF.js, fonts): kept with the pack.
function assets () {
  const urls = new Set()
  for (const entry of performance.getEntriesByType('resource')) urls.add(entry.name)
  for (const element of document.querySelectorAll('script[src], link[href]')) urls.add(element.src || element.href)
  return [...urls].filter(url => new URL(url, location.href).origin === location.origin && new URL(url, location.href).pathname.startsWith('/static/'))
}

function packUrls (element) {
  return [location.pathname, element.dataset.fileUrl]
}

function draw (button, message, saved) {
  button.textContent = saved ? 'Remove the offline copy' : 'Save for offline reading'
  button.dataset.saved = saved ? '1' : ''
  const region = document.getElementById('kcsp-offline-status')
  if (region && message !== null) region.textContent = message
}

async function start () {
  const element = reader()
  if (!element || element.dataset.offline !== '1' || !('serviceWorker' in navigator) || !element.dataset.swUrl) return
  const tools = document.getElementById('reader-note-tools') || element
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'govuk-button govuk-button--secondary kcsp-reader__tool'
  button.id = 'kcsp-offline-save'
  const region = document.createElement('p')
  region.className = 'govuk-body-s kcsp-reader__offline-status'
  region.id = 'kcsp-offline-status'
  region.setAttribute('role', 'status')
  tools.append(button, region)
  draw(button, null, false)
  try {
    await navigator.serviceWorker.register(element.dataset.swUrl, { scope: '/', type: 'classic' })
  } catch (error) {
    button.remove()
    return
  }
  const [page] = packUrls(element)
  const answer = await ask({ type: 'saved', url: page })
  draw(button, answer.saved ? 'This pack is saved on this device for offline reading.' : null, answer.saved)
  button.addEventListener('click', async () => {
    button.disabled = true
    if (button.dataset.saved) {
      await ask({ type: 'drop', url: page })
      draw(button, 'The offline copy has been removed from this device.', false)
    } else {
      const result = await ask({ type: 'save', pack: packUrls(element), assets: assets() })
      draw(button, result.saved
        ? 'Saved on this device. You can read this pack offline; it is updated when you are online and removed if the pack is withdrawn.'
        : 'This pack could not be saved for offline reading. Try again when you are online.', result.saved)
    }
    button.disabled = false
  })
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start)
else start()

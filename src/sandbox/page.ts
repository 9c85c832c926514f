import { pageScript } from './page-script';
import { PAGE_STYLE } from './page-style';

// The sandbox page: a Slack-like channel view. Plain HTML, CSS and browser JavaScript (no build step);
// it renders the Block Kit the bot really sent, read back from the Slack emulator through /api/state.

/** The whole page, served at `/`. */
export const SANDBOX_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>runbook-bot sandbox</title><style>${PAGE_STYLE}</style></head>
<body>
<nav>
  <h1>runbook sandbox</h1>
  <div class="chan"># guild-data-eng</div>
  <label>You are <select id="user" aria-label="You are"></select></label>
  <div class="side">Home tab <button id="open-home" type="button">Open Home</button></div>
  <div class="side">Guided tour <button id="play-tour" type="button">Play the tour</button></div>
  <a id="metrics" target="_blank" rel="noopener">Bot metrics</a>
  <p style="font-size:12px;margin-top:24px">Everything here is simulated: Slack, Metapod and the other backends run in this process. The bot is the real one, and every message it receives is signed as Slack signs it.</p>
</nav>
<main>
  <header># guild-data-eng</header>
  <div id="tour" hidden></div>
  <div id="feed" aria-live="polite"></div>
  <div id="error" role="alert"></div>
  <form id="composer"><input id="text" autocomplete="off" placeholder="Message #guild-data-eng, or /runbook help" aria-label="Message"><button type="submit">Send</button></form>
  <div class="tools"><select id="examples" aria-label="Examples"><option value="">Try a command…</option></select><select id="alarms" aria-label="Post a sample alarm" hidden><option value="">Post a sample alarm…</option></select></div>
</main>
<div id="modal" hidden></div>
<aside><h2>Home tab</h2><div id="home"></div><h2>Simulated backends</h2><div id="backends"></div></aside>
<script>${pageScript()}</script>
</body></html>`;

// The sandbox page's styles: Slack's look, in a grid that keeps every column visible from 1024 px up.

/** The page's CSS. */
export const PAGE_STYLE = `
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.46 -apple-system, "Segoe UI", Lato, "DejaVu Sans", Helvetica, Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji", "DejaVu Math TeX Gyre", "DejaVu Sans Mono"; color: #1d1c1d; display: grid; grid-template-columns: 200px minmax(0, 1fr) minmax(260px, 360px); height: 100vh; overflow: hidden; }
@media (max-width: 1279px) { body { grid-template-columns: 170px minmax(0, 1fr) 280px; font-size: 14px; } nav { padding: 12px !important; } }
nav { background: #3f0e40; color: #cfc3cf; padding: 16px; overflow-y: auto; }
nav h1 { color: #fff; font-size: 18px; margin: 0 0 16px; }
nav .chan { color: #fff; background: #1164a3; border-radius: 6px; padding: 4px 8px; }
nav label { display: block; margin-top: 24px; font-size: 13px; }
nav select { width: 100%; margin-top: 4px; font-size: 14px; }
nav .side { margin-top: 24px; font-size: 13px; }
nav a { color: #cfc3cf; display: block; margin-top: 8px; font-size: 13px; }
main { display: flex; flex-direction: column; min-height: 0; min-width: 0; border-right: 1px solid #ddd; }
header { padding: 12px 20px; border-bottom: 1px solid #ddd; font-weight: 700; }
#feed { flex: 1; overflow-y: auto; overflow-x: hidden; padding: 8px 20px; }
.msg { padding: 8px 0; border-bottom: 1px solid #f0f0f0; overflow-wrap: anywhere; }
.who { font-weight: 700; } .who small { font-weight: 400; color: #616061; margin-left: 6px; }
.thread { margin: 6px 0 0 20px; border-left: 3px solid #e8e8e8; padding-left: 12px; }
.thread .msg { border: 0; padding: 4px 0; }
.thread figure { margin: 6px 0; } .thread img { max-width: 100%; border: 1px solid #e8e8e8; }
.private { background: #f8f8f8; border-left: 3px solid #1264a3; padding: 6px 10px; margin: 6px 0; }
.private .note { font-size: 12px; color: #616061; }
.section { margin: 4px 0; white-space: normal; } .header { font-size: 17px; font-weight: 700; margin: 6px 0; }
.fields { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 4px 16px; margin: 4px 0; }
.context { font-size: 13px; color: #616061; margin: 4px 0; } hr { border: 0; border-top: 1px solid #ddd; }
pre { background: #f8f8f8; border: 1px solid #e0e0e0; border-radius: 4px; padding: 8px; white-space: pre-wrap; word-break: break-all; margin: 4px 0; font-size: 13px; }
code { background: #f4f4f4; border: 1px solid #e0e0e0; border-radius: 3px; padding: 0 3px; color: #c01343; font-size: 13px; }
blockquote { border-left: 4px solid #ddd; margin: 4px 0; padding-left: 10px; color: #454245; }
.actions { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin-top: 6px; }
button.act { border: 1px solid #bbb; background: #fff; border-radius: 4px; padding: 4px 12px; font-weight: 700; cursor: pointer; font: inherit; font-weight: 700; }
button.primary { background: #007a5a; color: #fff; border-color: #007a5a; } button.danger { color: #e01e5a; border-color: #e01e5a; }
select.act { font: inherit; padding: 4px 8px; border: 1px solid #bbb; border-radius: 4px; background: #fff; max-width: 100%; }
select.overflow { width: 44px; }
.emoji-word { font-size: 11px; border: 1px solid #ccc; border-radius: 8px; padding: 0 4px; color: #616061; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
form { display: flex; gap: 8px; padding: 12px 20px; border-top: 1px solid #ddd; }
form input { flex: 1; min-width: 0; font: inherit; padding: 8px; border: 1px solid #bbb; border-radius: 6px; }
.tools { display: flex; gap: 8px; padding: 0 20px 12px; } .tools select { flex: 1; min-width: 0; }
aside { overflow-y: auto; padding: 12px; background: #fafafa; font-size: 13px; min-width: 0; }
aside h2 { font-size: 14px; margin: 12px 0 4px; } aside h3 { font-size: 13px; margin: 10px 0 4px; text-transform: capitalize; }
aside table { border-collapse: collapse; width: 100%; margin: 2px 0 6px; font-size: 12px; table-layout: auto; }
aside th, aside td { border: 1px solid #e3e3e3; padding: 2px 4px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
aside th { background: #f0f0f0; font-weight: 600; } aside .empty { color: #888; font-style: italic; }
#error { color: #e01e5a; padding: 0 20px; }
#modal { position: fixed; inset: 0; background: rgba(0, 0, 0, .45); display: flex; align-items: center; justify-content: center; z-index: 10; }
#modal[hidden] { display: none; }
.modal { background: #fff; border-radius: 8px; width: min(540px, 92vw); max-height: 88vh; display: flex; flex-direction: column; box-shadow: 0 18px 48px rgba(0, 0, 0, .35); }
.mhead { padding: 14px 20px; border-bottom: 1px solid #ddd; } .mhead h2 { margin: 0; font-size: 20px; }
.mbody { padding: 8px 20px; overflow-y: auto; flex: 1; min-height: 0; }
.mfoot { padding: 12px 20px; border-top: 1px solid #ddd; display: flex; justify-content: flex-end; gap: 8px; }
.mfoot button, .mbutton { font: inherit; font-weight: 700; padding: 6px 14px; border-radius: 4px; border: 1px solid #bbb; background: #fff; cursor: pointer; }
.mfoot button.primary { background: #007a5a; color: #fff; border-color: #007a5a; }
.minput { margin: 12px 0; } .minput label { display: block; font-weight: 700; margin-bottom: 4px; } .minput label small { font-weight: 400; color: #616061; }
.minput input, .minput select, .minput textarea { width: 100%; font: inherit; padding: 6px 8px; border: 1px solid #bbb; border-radius: 4px; background: #fff; }
.minput .msearch { margin-bottom: 4px; }
.minput label.mcheck { display: flex; gap: 8px; align-items: center; font-weight: 400; } .minput .mcheck input { width: auto; }
.minput.has-error input, .minput.has-error select, .minput.has-error textarea { border-color: #e01e5a; }
.merror { color: #e01e5a; font-size: 13px; margin-top: 4px; }
#tour { background: #fff8e1; border-bottom: 1px solid #f0d58c; padding: 8px 20px; font-size: 14px; }
`;

/** The pages' small stylesheet, inline; the Content-Security-Policy allows exactly this text by its hash. */
export const styles = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.4; }
body { margin: 0 auto; max-width: 72rem; padding: 0 1rem 2rem; }
header { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 1px solid #8886; }
header a { color: inherit; text-decoration: none; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.2rem; margin-top: 2rem; } h3 { font-size: 1rem; margin-bottom: .25rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid #8884; vertical-align: top; }
code, pre { font-family: ui-monospace, monospace; font-size: .85rem; }
pre { overflow-x: auto; padding: .5rem; background: #8882; margin: .25rem 0; }
.environment { border: 1px solid #8886; border-radius: .4rem; padding: .5rem 1rem; margin: .75rem 0; }
.status { font-weight: 600; padding: 0 .4rem; border-radius: .3rem; background: #8883; }
.status-built, .status-succeeded { background: #2a24; } .status-failed { background: #d334; }
.status-queued, .status-building, .status-running, .status-deleting { background: #e904; }
.muted { opacity: .75; } .error { color: #c33; }
details.build { border-top: 1px solid #8884; padding: .5rem 0; } summary { cursor: pointer; }
button { font: inherit; padding: .2rem .8rem; cursor: pointer; }
form.sign-out { display: inline; }
label { display: block; margin: 1rem 0 .25rem; }
`;

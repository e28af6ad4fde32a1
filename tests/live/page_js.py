"""The JavaScript the live test runs in JupyterLab's and Notebook 7's pages.

Both interfaces are built from JupyterLab's components, so one set of snippets
serves both. The app is exposed as ``window.jupyterapp`` (the server runs with
``expose_app_in_browser``): the test reads the notebook's model through it (is
the kernel idle, which cells are still running, what a cell holds) and scrolls
a cell into view, but it acts only as a student does: menus, clicks and keys.
"""

# The notebook's panel, found by READY.
PANEL = "window.diyNnPanel"

# True once the notebook at `path` is loaded and its kernel has started and is
# idle; keeps its panel as window.diyNnPanel.
READY = """path => {
    if (!window.jupyterapp) return false;
    const panel = Array.from(window.jupyterapp.shell.widgets('main'))
        .find(w => w.context && w.context.path === path && w.sessionContext);
    if (!panel || !panel.context.isReady || !panel.sessionContext.isReady) return false;
    const session = panel.sessionContext.session;
    window.diyNnPanel = panel;
    return !!(session && session.kernel && session.kernel.status === 'idle');
}"""

# Every cell of the model: its kind, source, tags and whether its input is
# collapsed (what the student sees as "···").
CELLS = """() => Array.from((%s).content.widgets).map((cell, index) => ({
    index,
    type: cell.model.type,
    source: cell.model.sharedModel.getSource(),
    tags: cell.model.getMetadata('tags') || [],
    inputHidden: cell.inputHidden,
}))""" % PANEL

# The execution state of every code cell: 'running' while queued or running.
STATES = """() => Array.from((%s).content.model.cells)
    .filter(cell => cell.type === 'code').map(cell => cell.executionState)""" % PANEL

# Called right after Run All was chosen: notes when every queued code cell has
# run, in window.diyNnRunAll.seconds (null until then).
WATCH_RUN_ALL = """() => {
    const states = %s;
    const start = performance.now();
    const watch = window.diyNnRunAll = {seconds: null, seen: false};
    const poll = () => {
        const running = states().includes('running');
        watch.seen = watch.seen || running;
        if (watch.seen && !running) {
            watch.seconds = (performance.now() - start) / 1000;
        } else {
            setTimeout(poll, 100);
        }
    };
    poll();
}""" % STATES

# The outputs of a cell, as in the .ipynb file.
OUTPUTS = """index => {
    const cell = (%s).content.widgets[index];
    return cell.model.type === 'code' ? cell.model.outputs.toJSON() : [];
}""" % PANEL

# The text a student reads in an element: what is visible, in reading order,
# one line a block; typeset maths is shown as ⟨math⟩, an image as [image],
# a text box as [box: its value], a radio button as ( ) or (•), a slider as
# [slider].
VISIBLE_TEXT = r"""
const visibleText = root => {
    const out = [];
    const newline = () => {
        if (out.length && out[out.length - 1] !== '\n') out.push('\n');
    };
    const walk = (node, pre) => {
        for (const child of node.childNodes) {
            if (child.nodeType === Node.TEXT_NODE) {
                const text = child.textContent;
                out.push(pre ? text : text.replace(/\s+/g, ' '));
                continue;
            }
            if (child.nodeType !== Node.ELEMENT_NODE) continue;
            const tag = child.tagName.toUpperCase();
            if (['SCRIPT', 'STYLE', 'TEMPLATE', 'SVG'].includes(tag)) continue;
            if (!child.checkVisibility({visibilityProperty: true})) continue;
            if (tag === 'MJX-CONTAINER' || child.classList.contains('katex')) {
                out.push('⟨math⟩');
                continue;
            }
            if (tag === 'IMG') { out.push('[image]'); continue; }
            if (tag === 'INPUT' && ['radio', 'checkbox'].includes(child.type)) {
                out.push(child.checked ? '(•) ' : '( ) ');
                continue;
            }
            if (tag === 'INPUT' || tag === 'TEXTAREA') {
                out.push(`[box: ${child.value}]`);
                continue;
            }
            if (child.getAttribute('role') === 'slider') {
                out.push('[slider]');
                continue;
            }
            const style = getComputedStyle(child);
            const block = !style.display.startsWith('inline')
                && style.display !== 'contents';
            if (block || tag === 'BR') newline();
            walk(child, style.whiteSpace.startsWith('pre')
                        || style.whiteSpace === 'break-spaces');
            if (block) newline();
        }
    };
    walk(root, false);
    return out.join('').split('\n').map(line => line.replace(/^ (?=\S)/, '').trimEnd())
        .filter(line => line.trim()).join('\n');
};
"""

# Scroll cell `index` into view, wait for it to render, and return what the
# student reads there: the whole cell, its input (the rendered markdown, the
# code, or the placeholder of a collapsed input), its outputs, the languages of
# its visible code blocks that are MyST directives ("{name}": a directive fence
# that Jupyter shows as a code block), and the text of a markdown cell's visible
# code blocks.
READ_CELL = """async index => {
    %s
    const notebook = (%s).content;
    const cell = notebook.widgets[index];
    await notebook.scrollToItem(index, 'center');
    await cell.ready;
    // A markdown cell renders when it comes into view (MathJax, or a MyST
    // renderer, after that): wait until its source editor is gone.
    // (A page behind others gets no animation frames: never wait on one alone.)
    const frame = () => new Promise(done => {
        requestAnimationFrame(() => done());
        setTimeout(done, 100);
    });
    const shown = selector => {
        const node = cell.node.querySelector(selector);
        return !!node && node.checkVisibility();
    };
    const start = performance.now();
    while (cell.model.type === 'markdown' && !cell.inputHidden
           && (shown('.jp-InputArea-editor') || !shown('.jp-MarkdownOutput'))
           && performance.now() - start < 10000) {
        await frame();
    }
    await frame();
    await frame();
    const fences = Array.from(cell.node.querySelectorAll('pre > code'))
        .filter(code => code.checkVisibility())
        .map(code => (code.className.match(/language-(\\{[^}\\s]*\\})/) || [])[1])
        .filter(Boolean);
    const part = selector => {
        const node = cell.node.querySelector(selector);
        return node ? visibleText(node) : '';
    };
    const code = Array.from(cell.node.querySelectorAll('.jp-MarkdownOutput pre'))
        .filter(pre => pre.checkVisibility()).map(visibleText).join('\\n');
    return {text: visibleText(cell.node), input: part('.jp-Cell-inputWrapper'),
            output: part('.jp-Cell-outputWrapper'), fences, code};
}""" % (VISIBLE_TEXT, PANEL)

# The element of cell `index` (for screenshots and clicks), scrolled into view.
CELL_NODE = """async index => {
    const notebook = (%s).content;
    await notebook.scrollToItem(index, 'center');
    await notebook.widgets[index].ready;
    return notebook.widgets[index].node;
}""" % PANEL

# What the student reads in an element.
TEXT_OF = """node => {
    %s
    return visibleText(node);
}""" % VISIBLE_TEXT

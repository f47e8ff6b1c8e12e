package io.github.alexlab.viz;

/**
 * Something that knows how to show itself as HTML (a layer step, a report). The kernel renders
 * such values as text/html; nothing here depends on Jupyter.
 */
public interface HtmlView {
    /** A self-contained HTML fragment: no scripts, images inlined as data: URLs. */
    String toHtml();
}

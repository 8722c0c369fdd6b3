// Remembers the light/dark choice for a year; the server reads it to render the right palette on the next visit.
window.consentDashboardTheme = {
    remember: function (dark) {
        document.cookie = "cd-theme=" + (dark ? "dark" : "light") + "; path=/; max-age=31536000; samesite=lax";
        document.body.classList.toggle("cd-dark", dark);
        document.body.classList.toggle("cd-light", !dark);
    }
};

// Tells the server the browser's time zone, so request windows and clip times read in local time.
(function () {
    try {
        var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (zone) {
            document.cookie = "cd-tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
        }
    } catch (e) {
        // Without a zone the app shows UTC and labels it.
    }
})();

// A table that scrolls sideways (a narrow screen, a wide report) must be scrollable by keyboard too (WCAG 2.1.1):
// each such region becomes focusable and is named after its table, for as long as it overflows.
(function () {
    // Named after the heading it sits under, so a screen reader says which table it is.
    function label(region) {
        var heading = null;
        document.querySelectorAll("h1, h2, h3").forEach(function (h) {
            if (h.compareDocumentPosition(region) & Node.DOCUMENT_POSITION_FOLLOWING) {
                heading = h;
            }
        });
        return "Scrollable table" + (heading ? ": " + heading.textContent.trim() : "");
    }

    function mark() {
        document.querySelectorAll(".mud-table-container, .cd-table-scroll").forEach(function (region) {
            var scrolls = region.scrollWidth > region.clientWidth + 1;
            if (scrolls && !region.hasAttribute("tabindex")) {
                region.setAttribute("tabindex", "0");
                region.setAttribute("role", "region");
                region.setAttribute("aria-label", label(region));
                region.dataset.cdScroll = "1";
            } else if (!scrolls && region.dataset.cdScroll) {
                region.removeAttribute("tabindex");
                region.removeAttribute("role");
                region.removeAttribute("aria-label");
                delete region.dataset.cdScroll;
            }
        });
    }

    var pending = false;
    function schedule() {
        if (!pending) {
            pending = true;
            requestAnimationFrame(function () { pending = false; mark(); });
        }
    }

    new MutationObserver(schedule).observe(document.documentElement, { childList: true, subtree: true });
    window.addEventListener("resize", schedule);
    document.addEventListener("DOMContentLoaded", schedule);
})();

// Puts the keyboard focus back where a dialog was opened from (WCAG 2.4.3), or on a named element after an action.
// A closing dialog is removed a frame or two after its result is known, and may take the focus with it: the focus is
// set again on each of the next few frames until it stays.
window.consentDashboardFocus = {
    to: function (selector) {
        var frames = 0;
        var focused = false;
        (function attempt() {
            var element = document.querySelector(selector);
            var active = document.activeElement;
            if (element && active !== element) {
                // Once it had the focus, only a closing dialog or the page body taking it is undone; focus the person
                // moved on their own (a Tab press) stays where they put it.
                var taken = !active || active === document.body || active.closest('.mud-dialog-container') !== null;
                if (focused && !taken) {
                    return;
                }

                element.focus();
            }

            focused = focused || (element !== null && document.activeElement === element);

            if (++frames < 15) {
                requestAnimationFrame(attempt);
            }
        })();
    }
};

// The skip link and in-page jump links move the keyboard focus to their target itself: Blazor's router handles in-page
// links by scrolling only, which would leave the focus behind.
document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".cd-skip-link, .cd-jump-link");
    var href = link && link.getAttribute("href");
    var target = href && href.indexOf("#") >= 0 && document.getElementById(href.slice(href.indexOf("#") + 1));
    if (target) {
        event.preventDefault();
        event.stopPropagation();
        if (!target.hasAttribute("tabindex")) {
            target.setAttribute("tabindex", "-1");
        }

        target.focus();
        target.scrollIntoView();
    }
}, true);

// A language or theme link returns to the very page it was followed from, query included (the server renders the path only).
document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.cd-return-link");
    if (link && window.location.search) {
        var url = new URL(link.href);
        url.searchParams.set("returnUrl", window.location.pathname + window.location.search);
        link.href = url.toString();
    }
}, true);

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

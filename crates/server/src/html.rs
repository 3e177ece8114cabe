//! Server-rendered HTML: escaping and the page layout. Pages work without JavaScript.

use axum::response::Html;

/// What the navigation shows for a signed-in user: their login, whether they administer users, and
/// the CSRF token of the Log out form. A plain value, so pages need nothing of the session's types.
#[derive(Debug, Clone, Copy)]
pub struct Nav<'a> {
    /// The user's login, shown beside Log out.
    pub login: &'a str,
    /// Whether to link Company Users.
    pub admin: bool,
    /// The CSRF token bound to the session.
    pub csrf: &'a str,
}

/// Escapes text for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d2430}\
header{display:flex;gap:1rem;align-items:center;border-bottom:1px solid #d6dbe3;margin-bottom:1.5rem;padding-bottom:.5rem}\
header strong{flex:1}nav a{margin-right:1rem}\
label{display:block;margin:.75rem 0 .25rem;font-weight:600}input[type=text],input[type=password]{font:inherit;padding:.4rem;width:18rem}\
button{font:inherit;padding:.4rem 1rem;margin-top:.75rem;cursor:pointer}\
.error{background:#fde8e8;border:1px solid #e0a0a0;padding:.5rem .75rem;border-radius:4px}\
.ok{background:#e6f6ea;border:1px solid #96c9a3;padding:.5rem .75rem;border-radius:4px}\
.secret{font:1.2rem/1.4 ui-monospace,monospace;letter-spacing:.08em;word-break:break-all}\
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d6dbe3;padding:.4rem;text-align:left}\
form.inline{display:inline}form.inline button{margin:0}";

/// A whole page. The navigation and Log out are shown for a signed-in user.
pub fn page(title: &str, signed_in: Option<Nav<'_>>, body: &str) -> Html<String> {
    let nav = match signed_in {
        Some(Nav { login, admin, csrf }) => format!(
            "<nav><a href=\"/\">Home</a><a href=\"/settings/profile\">Settings &gt; User Profile</a>{}</nav>\
             <span>{}</span><form class=\"inline\" method=\"post\" action=\"/logout\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\"><button>Log out</button></form>",
            if admin {
                "<a href=\"/admin/users\">Company Users</a>"
            } else {
                ""
            },
            esc(login),
            esc(csrf)
        ),
        None => String::new(),
    };
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{} · Authbar Flexi</title><style>{STYLE}</style></head>\
         <body><header><strong>Authbar Flexi</strong>{nav}</header><main><h1>{}</h1>{body}</main></body></html>",
        esc(title),
        esc(title)
    ))
}

/// A page with one message (errors), with the navigation when the user is signed in.
pub fn message_page(title: &str, signed_in: Option<Nav<'_>>, message: &str) -> Html<String> {
    page(
        title,
        signed_in,
        &format!(
            "<p class=\"error\" role=\"alert\">{}</p><p><a href=\"/\">Back to the start</a></p>",
            esc(message)
        ),
    )
}

/// The hidden CSRF field.
pub fn csrf_field(token: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(token)
    )
}

/// An error paragraph, or nothing.
pub fn alert(message: Option<&str>) -> String {
    message.map_or_else(String::new, |m| {
        format!("<p class=\"error\" role=\"alert\">{}</p>", esc(m))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(
            super::esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}

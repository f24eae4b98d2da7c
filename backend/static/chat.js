// Progressive enhancement for /chat: send without reloading. The page works without this file.
(function () {
  "use strict";
  var form = document.getElementById("chat-form");
  if (!form || !window.fetch) { return; }
  var log = document.getElementById("log");
  var box = document.getElementById("text");
  var choices = document.getElementById("choices");
  var error = document.getElementById("chat-error");
  // The words the script shows, in the page's language (the page's form carries them).
  var said = form.dataset;
  // Coming back to the chat opens at the latest message, not at the top of a long log.
  var latest = document.getElementById("latest");
  if (latest) { latest.scrollIntoView({ block: "end" }); }

  function newId() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID().replace(/-/g, "")
      : String(Date.now()) + Math.random().toString(16).slice(2);
  }

  function add(text, mine) {
    var item = document.createElement("li");
    item.className = "msg " + (mine ? "mine" : "theirs");
    var who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = mine ? said.youSaid : said.weSaid;
    var body = document.createElement("p");
    // Never innerHTML: text nodes and links built one by one, so what anyone typed stays text.
    var url = /https?:\/\/[^\s<>"']+/g, at = 0, match;
    while ((match = url.exec(text)) !== null) {
      body.appendChild(document.createTextNode(text.slice(at, match.index)));
      if (!mine) {
        var link = document.createElement("a");
        link.href = match[0];
        link.rel = "noopener";
        link.textContent = match[0];
        body.appendChild(link);
      } else {
        body.appendChild(document.createTextNode(match[0]));
      }
      at = match.index + match[0].length;
    }
    body.appendChild(document.createTextNode(text.slice(at)));
    item.appendChild(who);
    item.appendChild(body);
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  function shareLink(b) {
    var link = document.createElement("a");
    link.className = "button share";
    link.href = b.url;
    link.textContent = b.label;
    link.setAttribute("data-share", "");
    return link;
  }

  // A share link opens the phone's share sheet where there is one, or copies the link.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-share]");
    if (!link) { return; }
    if (navigator.share) {
      event.preventDefault();
      navigator.share({ title: said.pleaseSign, url: link.href }).catch(function () {});
    } else if (navigator.clipboard) {
      event.preventDefault();
      navigator.clipboard.writeText(link.href).then(function () {
        link.textContent = said.copied;
      });
    }
  });

  function showChoices(buttons) {
    choices.textContent = "";
    buttons.forEach(function (b) {
      if (b.url) { choices.appendChild(shareLink(b)); return; }
      var button = document.createElement("button");
      button.type = "submit";
      button.name = "choice";
      button.value = b.reply;
      button.textContent = b.label;
      choices.appendChild(button);
    });
    choices.hidden = buttons.length === 0;
  }

  function send(text, messageId) {
    error.hidden = true;
    return fetch("/chat/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ text: text, message_id: messageId })
    }).then(function (response) {
      if (!response.ok) { throw new Error("status " + response.status); }
      return response.json();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var submitter = event.submitter;
    var text = (submitter && submitter.name === "choice") ? submitter.value : box.value;
    var shown = (submitter && submitter.name === "choice") ? submitter.textContent : text;
    var messageId = newId();
    add(shown, true);
    box.value = "";
    send(text, messageId).then(function (data) {
      var buttons = [];
      data.replies.forEach(function (reply) {
        add(reply.text, false);
        buttons = reply.buttons;
      });
      showChoices(buttons);
      box.focus();
    }).catch(function () {
      error.textContent = said.notSent;
      error.hidden = false;
      box.value = text;
      box.focus();
    });
  });

  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();

/* The questionnaire on this device: pages (the server says which statement is on which),
   progress, the introduction on the first page only, easy read for every text, and the answers
   so far kept in this browser's storage until they are sent. Without this script the page is one long
   form that works on its own, so everything here only adds to what the server rendered.

   Storage, under one name, per survey link's token:
     before sending  {answers: {statement id: value}, page, easy_read, key}
     after sending   {sent: true}    nothing else: no answers, no key, no date. */
(function () {
  "use strict";

  var STORE = "culturetool_answers";
  var ANSWER_FIELD = "answer-";

  function readMemory() {
    try {
      var memory = JSON.parse(window.localStorage.getItem(STORE) || "{}");
      return memory && typeof memory === "object" && !Array.isArray(memory) ? memory : {};
    } catch (error) {
      return {};
    }
  }

  function writeMemory(memory) {
    try {
      window.localStorage.setItem(STORE, JSON.stringify(memory));
    } catch (error) {
      // Storage is off or full: the form still works, it just cannot resume later.
    }
  }

  // Earlier versions of this page kept the one-off key after sending: keep only the note.
  function tidy(memory) {
    Object.keys(memory).forEach(function (token) {
      var entry = memory[token];
      if (!entry || typeof entry !== "object") {
        delete memory[token];
      } else if (entry.sent || entry.submitted) {
        memory[token] = { sent: true };
      }
    });
    return memory;
  }

  function newKey() {
    var bytes = new Uint8Array(24);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (byte) {
        return ("0" + byte.toString(16)).slice(-2);
      })
      .join("");
  }

  var memory = tidy(readMemory());
  var main = document.getElementById("main");
  var view = main ? main.getAttribute("data-view") : null;

  if (view === "sent") {
    memory[main.getAttribute("data-round-token")] = { sent: true };
    writeMemory(memory);
    return;
  }
  if (view === "closed") {
    // Unsent answers to a closed survey can never be sent: do not keep them.
    delete memory[main.getAttribute("data-round-token")];
    writeMemory(memory);
    return;
  }

  var form = document.getElementById("questionnaire");
  if (!form) {
    writeMemory(memory);
    return;
  }
  var token = form.getAttribute("data-round-token");
  var entry = memory[token] || {};
  writeMemory(memory);

  if (entry.sent) {
    document.querySelector(".intro").hidden = true;
    form.hidden = true;
    document.getElementById("already-sent").hidden = false;
    return;
  }

  document.documentElement.classList.add("js");

  var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset.question"));
  var pageCount = Number(form.getAttribute("data-page-count"));
  var lastPage = pageCount - 1;
  var heading = document.getElementById("questions-heading");
  var pageMessage = document.getElementById("page-message");
  var serverMessage = document.getElementById("server-message");
  var backButton = document.getElementById("back");
  var nextButton = document.getElementById("next");
  var sendButton = document.getElementById("send");
  var progress = document.getElementById("progress");
  var progressLabel = document.getElementById("progress-label");
  var easyReadSwitch = document.getElementById("easy-read");
  var codeInput = document.getElementById("code");
  var keyInput = form.querySelector("input[name=submission_key]");
  var easyReadField = document.getElementById("easy-read-field");
  var firstPageOnly = document.querySelector(".intro-first-page");
  // Every text on the page, the title and introduction included, has its easy read with it.
  var swappable = Array.prototype.slice.call(document.querySelectorAll("[data-easy-read]"));

  function questionId(fieldset) {
    return fieldset.id.slice(2);
  }

  function isAnswered(fieldset) {
    return Object.prototype.hasOwnProperty.call(answers, questionId(fieldset));
  }

  function checkedValue(fieldset) {
    var checked = fieldset.querySelector("input:checked");
    return checked ? Number(checked.value) : null;
  }

  var answers = {};
  var posted = form.getAttribute("data-posted") === "yes";
  if (posted) {
    // The server showed the form again with what was just sent: that is the latest.
    questions.forEach(function (fieldset) {
      var value = checkedValue(fieldset);
      if (value !== null) answers[questionId(fieldset)] = value;
    });
  } else {
    var saved = entry.answers && typeof entry.answers === "object" ? entry.answers : {};
    questions.forEach(function (fieldset) {
      var value = saved[questionId(fieldset)];
      if (typeof value !== "number") return;
      var radio = fieldset.querySelector('input[value="' + value + '"]');
      if (radio) {
        radio.checked = true;
        answers[questionId(fieldset)] = value;
      }
    });
  }

  function pageComplete(page) {
    return questions.every(function (fieldset) {
      return Number(fieldset.getAttribute("data-page")) !== page || isAnswered(fieldset);
    });
  }

  function firstIncompletePage() {
    for (var page = 0; page < pageCount; page += 1) {
      if (!pageComplete(page)) return page;
    }
    return null;
  }

  var page = posted ? firstIncompletePage() : entry.page;
  if (typeof page !== "number" || page < 0 || page > lastPage || page % 1 !== 0) page = 0;
  var easyRead = entry.easy_read === true;
  var key = typeof entry.key === "string" ? entry.key : keyInput ? newKey() : null;

  function save() {
    var latest = tidy(readMemory()); // another tab may have written since
    if (latest[token] && latest[token].sent) return;
    var kept = { answers: answers, page: page, easy_read: easyRead };
    if (key) kept.key = latest[token] && latest[token].key ? latest[token].key : key;
    key = kept.key || null;
    latest[token] = kept;
    writeMemory(latest);
  }

  // A text the script writes itself, from the form's template in the wording chosen.
  function wording(name, values) {
    var text = form.getAttribute("data-" + name + (easyRead ? "-easy-read" : "")) || "";
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function say(name) {
    pageMessage.setAttribute("data-says", name);
    pageMessage.textContent = wording(name, {});
    pageMessage.hidden = false;
  }

  function unsay() {
    pageMessage.hidden = true;
    pageMessage.textContent = "";
    pageMessage.removeAttribute("data-says");
  }

  function showPage(moveFocus) {
    questions.forEach(function (fieldset) {
      fieldset.hidden = Number(fieldset.getAttribute("data-page")) !== page;
    });
    Array.prototype.forEach.call(form.querySelectorAll('[data-page="last"]'), function (part) {
      part.hidden = page !== lastPage;
    });
    firstPageOnly.hidden = page !== 0;
    heading.textContent = wording("page-heading", { page: page + 1, pages: pageCount });
    backButton.hidden = page === 0;
    nextButton.hidden = page === lastPage;
    sendButton.hidden = page !== lastPage;
    if (moveFocus) {
      window.scrollTo(0, 0);
      heading.focus();
    }
  }

  function showProgress() {
    var count = questions.filter(isAnswered).length;
    progress.value = count;
    progressLabel.textContent = wording("progress", { answered: count, total: questions.length });
  }

  swappable.forEach(function (element) {
    element.setAttribute("data-plain", element.textContent);
  });

  function showWording() {
    swappable.forEach(function (element) {
      element.textContent = element.getAttribute(easyRead ? "data-easy-read" : "data-plain");
    });
    easyReadSwitch.checked = easyRead;
    // The page sent back after sending (thank you, or a problem) is in the same wording.
    easyReadField.value = easyRead ? "yes" : "";
    if (pageMessage.hasAttribute("data-says")) say(pageMessage.getAttribute("data-says"));
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio" || input.name.indexOf(ANSWER_FIELD) !== 0) return;
    answers[input.name.slice(ANSWER_FIELD.length)] = Number(input.value);
    var fieldset = input.closest("fieldset");
    fieldset.classList.remove("question-missing");
    var note = fieldset.querySelector(".question-missing-note");
    if (note) note.remove();
    if (serverMessage) serverMessage.hidden = true;
    unsay();
    showProgress();
    save();
  });

  easyReadSwitch.addEventListener("change", function () {
    easyRead = easyReadSwitch.checked;
    showWording();
    showPage(false);
    showProgress();
    save();
  });

  nextButton.addEventListener("click", function () {
    if (!pageComplete(page)) {
      say("message");
      return;
    }
    unsay();
    page = Math.min(page + 1, lastPage);
    save();
    showPage(true);
  });

  backButton.addEventListener("click", function () {
    unsay();
    page = Math.max(page - 1, 0);
    save();
    showPage(true);
  });

  var sending = false;
  // Back from the next page (or from a failed send), the form can be sent again.
  window.addEventListener("pageshow", function () {
    sending = false;
  });

  form.addEventListener("submit", function (event) {
    var gap = firstIncompletePage();
    if (gap !== null) {
      event.preventDefault();
      if (gap !== page) {
        page = gap;
        save();
        showPage(true);
      }
      say("message");
      return;
    }
    // A personal code is spent by the first send, so a second click must not send again.
    if (sending) {
      event.preventDefault();
      return;
    }
    sending = true;
    // Every send from this device carries the same key, so a retry saves the answers once.
    if (keyInput) {
      save();
      keyInput.value = key;
    }
  });

  if (codeInput) {
    var fromLink = /(?:^|&)code=([^&]*)/.exec(window.location.hash.slice(1));
    if (fromLink) {
      if (!codeInput.value) {
        try {
          codeInput.value = decodeURIComponent(fromLink[1]);
        } catch (error) {
          codeInput.value = fromLink[1];
        }
      }
      // Keep the code out of the address bar, and so out of history and any link shared on.
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
  }

  if (keyInput) keyInput.value = key;
  easyReadSwitch.closest("label").hidden = false;
  progress.closest(".progress").hidden = false;
  showWording();
  showProgress();
  showPage(false);
  save();
})();

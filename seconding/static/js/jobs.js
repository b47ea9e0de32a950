// The job page, live: asks the job's status every second and moves the bar; when the job has ended, loads the page
// again, which shows the result (announced: its message is an alert). Without JavaScript the page refreshes itself.
// The status does not renew the session: a page left open longer than the idle timeout goes to the sign-in page.
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var step = document.getElementById("job-step");
  var bar = document.getElementById("job-bar");
  var count = document.getElementById("job-count");
  var cancel = document.getElementById("job-cancel");
  function show(status) {
    if (status.finished) { window.location.reload(); return; }
    if (step.textContent !== status.step_label) { step.textContent = status.step_label; }
    if (status.total) {
      bar.max = status.total;
      bar.value = status.done;
    } else {
      bar.removeAttribute("value");
    }
    count.textContent = status.count;
    if (cancel && !status.cancellable) { cancel.hidden = true; }
    window.setTimeout(poll, 1000);
  }
  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) { window.setTimeout(poll, 3000); return; }
      var status;
      try { status = JSON.parse(request.responseText); }
      catch (error) { window.location.reload(); return; }  // not JSON: signed out (idle), the page asks to sign in
      show(status);
    };
    request.onerror = function () { window.setTimeout(poll, 3000); };
    request.send();
  }
  window.setTimeout(poll, 1000);
}());

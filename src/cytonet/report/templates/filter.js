(function(){
  var q=document.getElementById('f-q'), st=document.getElementById('f-status'),
      sy=document.getElementById('f-system'), pw=document.getElementById('f-pathway'),
      count=document.getElementById('f-count');
  if(!q){return;}
  var cards=[].slice.call(document.querySelectorAll('.obs'));
  function apply(){
    var words=q.value.toLowerCase().split(/\s+/).filter(Boolean), n=0;
    cards.forEach(function(c){
      var ok=(!st.value||c.dataset.status===st.value)&&(!sy.value||c.dataset.system===sy.value)
        &&(!pw.value||c.dataset.pathway===pw.value)
        &&words.every(function(w){return c.dataset.words.indexOf(w)>=0;});
      c.style.display=ok?'':'none'; if(ok){n++;}
    });
    [].forEach.call(document.querySelectorAll('table.quant tr[data-status]'),function(r){
      var ok=(!st.value||r.dataset.status===st.value)
        &&words.every(function(w){return r.dataset.words.indexOf(w)>=0;});
      r.style.display=ok?'':'none';
    });
    [].forEach.call(document.querySelectorAll('h3.pw'),function(h){
      var e=h.nextElementSibling, any=false;
      while(e&&e.classList.contains('obs')){if(e.style.display!=='none'){any=true;}e=e.nextElementSibling;}
      h.style.display=any?'':'none';
    });
    count.textContent=n+' of '+cards.length+' observations shown';
  }
  [q,st,sy,pw].forEach(function(el){el.addEventListener('input',apply);});
  apply();
})();
